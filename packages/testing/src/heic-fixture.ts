/**
 * A structurally valid HEIC still image, shaped like an iPhone's (ftyp heic/mif1, meta with one
 * `hvc1` primary item, hvcC + ispe properties, mdat), built by hand: HEVC cannot be encoded here
 * and prebuilt sharp cannot decode it anyway, so the payload is a few bytes of fake slice data.
 * The container is what file-type and libheif's header parsing read, so it is what must be right:
 * sniffing says image/heic, metadata() reports the size, and decoding fails as it would for a
 * real iPhone photo.
 */
export function heicFixture(width: number, height: number): Uint8Array {
  // One fake IDR slice NAL unit, 4-byte length prefixed (hvcC lengthSizeMinusOne = 3).
  const payload = bytes(u32(6), [0x26, 0x01, 0xaf, 0x00, 0x00, 0x00]);
  const ftyp = box('ftyp', ascii('heic'), u32(0), ascii('mif1'), ascii('heic'));
  // iloc stores an absolute file offset, which depends on the meta box's own size: the size does
  // not depend on the offset's value (fixed 4-byte fields), so build once to measure, then again.
  const metaWith = (dataOffset: number): Uint8Array =>
    fullBox(
      'meta',
      0,
      0,
      fullBox('hdlr', 0, 0, u32(0), ascii('pict'), u32(0), u32(0), u32(0), [0]),
      fullBox('pitm', 0, 0, u16(1)),
      // offset_size 4, length_size 4, base_offset_size 0; one item, one extent.
      fullBox('iloc', 0, 0, [0x44, 0x00], u16(1), u16(1), u16(0), u16(1), u32(dataOffset), u32(payload.length)),
      fullBox('iinf', 0, 0, u16(1), fullBox('infe', 2, 0, u16(1), u16(0), ascii('hvc1'), [0])),
      box(
        'iprp',
        box('ipco', hvcC(), fullBox('ispe', 0, 0, u32(width), u32(height))),
        // item 1: property 1 (hvcC) essential, property 2 (ispe).
        fullBox('ipma', 0, 0, u32(1), u16(1), [2, 0x81, 0x02]),
      ),
    );
  const dataOffset = ftyp.length + metaWith(0).length + 8;
  return bytes(ftyp, metaWith(dataOffset), box('mdat', payload));
}

/** HEVCDecoderConfigurationRecord, Main profile 8-bit 4:2:0; parameter-set arrays left empty. */
function hvcC(): Uint8Array {
  return box(
    'hvcC',
    [1, 0x01], // configurationVersion; profile space 0, tier 0, profile_idc 1 (Main)
    u32(0x60000000), // profile compatibility flags: Main, Main 10
    [0x90, 0, 0, 0, 0, 0], // constraint flags: progressive, frame-only
    [153], // general_level_idc: 5.1, enough for 4032x3024
    [0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8], // min spatial segmentation, parallelism, 4:2:0, 8-bit luma/chroma
    u16(0), // avgFrameRate
    [0x0f], // constant rate 0, 1 temporal layer, nested, lengthSizeMinusOne 3
    [0], // numOfArrays
  );
}

type Part = Uint8Array | readonly number[];

function box(type: string, ...parts: Part[]): Uint8Array {
  const body = bytes(...parts);
  return bytes(u32(8 + body.length), ascii(type), body);
}

function fullBox(type: string, version: number, flags: number, ...parts: Part[]): Uint8Array {
  return box(type, [version, (flags >>> 16) & 0xff, (flags >>> 8) & 0xff, flags & 0xff], ...parts);
}

function bytes(...parts: Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const u16 = (value: number): number[] => [(value >>> 8) & 0xff, value & 0xff];
const u32 = (value: number): number[] => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { PNG_SIGNATURE, pngChunk } from '#lib/png-chunks';

export { pngChunk } from '#lib/png-chunks';

/**
 * Photos carrying what cameras and phones write about where and with what they were taken, for
 * the tests of metadata stripping (packages/images, "Published originals"). Two kinds:
 *
 * - written by a library as a phone's pipeline does (`phonePhoto`): libvips (sharp) with Exif
 *   IFD0/Exif IFD/GPS IFD, a Display P3 ICC profile, XMP and an orientation, in JPEG, PNG and WebP;
 * - assembled here with the structures real devices and editors add that sharp does not write
 *   (`cameraJpeg`, `cameraPng`, `animatedPng`): a Nikon-style MakerNote (its own TIFF header, a
 *   serial number inside), an IFD1 thumbnail, an Interop IFD, MPF with a preview image after EOI
 *   (which has its own Exif and GPS), standard and extended XMP, an APP13 Photoshop/IPTC block
 *   with a by-line, an Adobe APP14, a COM; PNG text chunks, tIME, C2PA-like and Apple chunks,
 *   APNG frames. The layouts follow the Exif 2.32, XMP part 3, IPTC IIM, MPF (CIPA DC-007) and
 *   PNG 3rd edition specifications, as exiftool reports them for real camera files.
 *
 * Every identifying value is one of `IDENTITY`'s, so a test can look for each in the output bytes.
 * Pixels are random noise (they compress like a photo), so files differ between calls.
 */
export const IDENTITY = {
  make: 'FixtureCam',
  model: 'F-1 Mark II',
  artist: 'Jane Q. Photographer',
  copyright: '(c) Jane Q. Photographer',
  owner: 'Jane Owner',
  bodySerial: 'BODY-4711-0815',
  lensSerial: 'LENS-0042-1337',
  makerNoteSerial: 'MN-SERIAL-9999',
  uniqueId: 'UNIQUE-ID-0123456789ABCDEF',
  software: 'FixtureCam Firmware 1.2.3',
  xmpCreator: 'Jane XMP Creator',
  xmpCity: 'Berlin-Mitte XMP',
  iptcByline: 'Jane IPTC Byline',
  iptcCity: 'Berlin IPTC City',
  comment: 'Shot by Jane at home',
  pngAuthor: 'Jane PNG Author',
  /** Brandenburg Gate: 52° 30' 57.6" N, 13° 22' 37.2" E. */
  latitude: [52, 30, 57.6] as const,
  longitude: [13, 22, 37.2] as const,
} as const;

/** The ASCII strings of `IDENTITY` that no stripped file may contain. */
export const IDENTIFYING_STRINGS: readonly string[] = Object.values(IDENTITY).flatMap((value) =>
  typeof value === 'string' ? [value] : [],
);

const XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXTENSION_NS = 'http://ns.adobe.com/xmp/extension/\0';

function noise(width: number, height: number, channels: 3 | 4 = 3) {
  return sharp(randomBytes(width * height * channels), { raw: { width, height, channels } });
}

/** The XMP a phone or Lightroom writes: creator, city, GPS again, and optionally the pointer to an extended XMP. */
export function xmpPacket(extendedGuid?: string): string {
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"',
    ' xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" xmlns:xmpNote="http://ns.adobe.com/xmp/note/"',
    ` photoshop:City="${IDENTITY.xmpCity}" exif:GPSLatitude="52,30.96N" exif:GPSLongitude="13,22.62E" aux:SerialNumber="${IDENTITY.bodySerial}"`,
    extendedGuid ? ` xmpNote:HasExtendedXMP="${extendedGuid}"` : '',
    '>',
    `<dc:creator><rdf:Seq><rdf:li>${IDENTITY.xmpCreator}</rdf:li></rdf:Seq></dc:creator>`,
    '</rdf:Description></rdf:RDF></x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('');
}

const rational = (value: number): string => `${Math.round(value * 100)}/100`;
const dms = (angle: readonly number[]) => angle.map(rational).join(' ');

export interface PhonePhotoOptions {
  width?: number;
  height?: number;
  /** EXIF orientation; 6 (the phone was turned 90 degrees clockwise) unless told. */
  orientation?: number;
  /** A fourth channel (WebP: ALPH or VP8L with alpha; PNG: RGBA). */
  alpha?: boolean;
  /** WebP: VP8L instead of VP8. */
  lossless?: boolean;
  /** Frames of an animated WebP (or GIF-like PNG input). */
  frames?: number;
}

/**
 * A photo as a phone's pipeline writes it, through libvips: Make, Model, Software, Artist,
 * Copyright and Orientation in IFD0; CameraOwnerName, BodySerialNumber, LensSerialNumber and
 * ImageUniqueID in the Exif IFD; GPS position; a Display P3 profile; XMP with creator, city and GPS.
 */
export async function phonePhoto(format: 'jpeg' | 'png' | 'webp', options: PhonePhotoOptions = {}): Promise<Buffer> {
  const { width = 96, height = 64, orientation = 6, alpha = false, lossless = false, frames = 1 } = options;
  const raw = randomBytes(width * height * frames * (alpha ? 4 : 3));
  let image = sharp(raw, {
    raw: { width, height: height * frames, channels: alpha ? 4 : 3, ...(frames > 1 ? { pageHeight: height } : {}) },
  })
    .withExif({
      IFD0: {
        Make: IDENTITY.make,
        Model: IDENTITY.model,
        Software: IDENTITY.software,
        Artist: IDENTITY.artist,
        Copyright: IDENTITY.copyright,
      },
      IFD2: {
        CameraOwnerName: IDENTITY.owner,
        BodySerialNumber: IDENTITY.bodySerial,
        LensSerialNumber: IDENTITY.lensSerial,
        ImageUniqueID: IDENTITY.uniqueId,
        DateTimeOriginal: '2026:05:01 12:34:56',
      },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: dms(IDENTITY.latitude),
        GPSLongitudeRef: 'E',
        GPSLongitude: dms(IDENTITY.longitude),
      },
    })
    .withIccProfile('p3')
    .withXmp(xmpPacket())
    .withMetadata({ orientation });
  if (format === 'jpeg') image = image.jpeg({ quality: 85 });
  else if (format === 'png') image = image.png();
  else image = image.webp(lossless ? { lossless: true } : { quality: 80 });
  return image.toBuffer();
}

// TIFF/Exif, as cameras lay it out ---------------------------------------------------------------

/** A TIFF value: ASCII text, or typed numbers, or bytes (UNDEFINED), or a sub-IFD (its offset, a LONG). */
export type TiffValue =
  | string
  | { short: number[] }
  | { long: number[] }
  | { rational: Array<[number, number]> }
  | { byte: number[] }
  | { undefined: Uint8Array }
  | { ifd: TiffIfd };
export type TiffIfd = Array<[tag: number, value: TiffValue]>;

const TYPE = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, undefined: 7 } as const;

/**
 * A TIFF structure as Exif uses it: a header, IFD0 with its sub-IFDs (Exif, GPS, Interop), and an
 * IFD1 pointing at a JPEG thumbnail. Values longer than 4 bytes go after each IFD, word-aligned.
 */
export function tiff(littleEndian: boolean, ifd0Entries: TiffIfd, thumbnail?: { ifd1: TiffIfd; jpeg: Uint8Array }): Buffer {
  const out = Buffer.alloc(1 << 20);
  const u16 = (value: number, at: number) => (littleEndian ? out.writeUInt16LE(value, at) : out.writeUInt16BE(value, at));
  const u32 = (value: number, at: number) => (littleEndian ? out.writeUInt32LE(value, at) : out.writeUInt32BE(value, at));
  out.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  let end = 8;
  const align = () => (end += end & 1);

  const encode = (value: Exclude<TiffValue, { ifd: TiffIfd }>): { type: number; count: number; bytes: Buffer } => {
    if (typeof value === 'string') return { type: TYPE.ascii, count: value.length + 1, bytes: Buffer.from(`${value}\0`, 'latin1') };
    if ('undefined' in value) return { type: TYPE.undefined, count: value.undefined.length, bytes: Buffer.from(value.undefined) };
    if ('byte' in value) return { type: TYPE.byte, count: value.byte.length, bytes: Buffer.from(value.byte) };
    const numbers = 'short' in value ? value.short : 'long' in value ? value.long : value.rational.flat();
    const size = 'short' in value ? 2 : 4;
    const bytes = Buffer.alloc(numbers.length * size);
    numbers.forEach((number, index) => {
      if (size === 2) littleEndian ? bytes.writeUInt16LE(number, index * 2) : bytes.writeUInt16BE(number, index * 2);
      else littleEndian ? bytes.writeUInt32LE(number, index * 4) : bytes.writeUInt32BE(number, index * 4);
    });
    const type = 'short' in value ? TYPE.short : 'long' in value ? TYPE.long : TYPE.rational;
    return { type, count: 'rational' in value ? value.rational.length : numbers.length, bytes };
  };

  /** Writes the IFD at the end, then its values and sub-IFDs; answers where it is and where its next-IFD field is. */
  const writeIfd = (ifd: TiffIfd): { at: number; nextAt: number } => {
    align();
    const at = end;
    const entries = [...ifd].sort(([a], [b]) => a - b);
    u16(entries.length, at);
    end = at + 2 + entries.length * 12 + 4;
    for (const [index, [tag, value]] of entries.entries()) {
      const entryAt = at + 2 + index * 12;
      u16(tag, entryAt);
      if (typeof value === 'object' && 'ifd' in value) {
        u16(TYPE.long, entryAt + 2);
        u32(1, entryAt + 4);
        u32(writeIfd(value.ifd).at, entryAt + 8);
        continue;
      }
      const { type, count, bytes } = encode(value);
      u16(type, entryAt + 2);
      u32(count, entryAt + 4);
      if (bytes.length <= 4) bytes.copy(out, entryAt + 8);
      else {
        align();
        u32(end, entryAt + 8);
        end += bytes.copy(out, end);
      }
    }
    return { at, nextAt: at + 2 + entries.length * 12 };
  };

  const ifd0 = writeIfd(ifd0Entries);
  if (thumbnail) {
    align();
    const jpegAt = end;
    end += Buffer.from(thumbnail.jpeg).copy(out, end);
    const ifd1 = writeIfd([...thumbnail.ifd1, [0x0201, { long: [jpegAt] }], [0x0202, { long: [thumbnail.jpeg.length] }]]);
    u32(ifd1.at, ifd0.nextAt);
  }
  return Buffer.from(out.subarray(0, end));
}

/** A Nikon type 3 MakerNote: "Nikon\0", version, then its own big-endian TIFF structure (offsets from it), with the body serial number. */
export function nikonMakerNote(): Buffer {
  const inner = tiff(false, [
    [0x0001, { undefined: Buffer.from('0210', 'latin1') }], // MakerNoteVersion
    [0x0002, { short: [0, 200] }], // ISO
    [0x001d, IDENTITY.makerNoteSerial], // SerialNumber
    [0x00a7, { long: [12_345] }], // ShutterCount
  ]);
  return Buffer.concat([Buffer.from('Nikon\0', 'latin1'), Buffer.from([0x02, 0x10, 0x00, 0x00]), inner]);
}

const latitude: Array<[number, number]> = IDENTITY.latitude.map((value) => [Math.round(value * 100), 100]);
const longitude: Array<[number, number]> = IDENTITY.longitude.map((value) => [Math.round(value * 100), 100]);

/** The Exif a camera writes (little-endian, as Canon and Sony do): IFD0, Exif IFD with MakerNote and serials, Interop IFD, GPS IFD, IFD1 thumbnail. */
export function cameraExif(orientation: number | undefined, thumbnailJpeg: Uint8Array, width: number, height: number): Buffer {
  const ifd0: TiffIfd = [
    [0x010e, '                               '], // ImageDescription: cameras write spaces
    [0x010f, IDENTITY.make],
    [0x0110, IDENTITY.model],
    [0x011a, { rational: [[300, 1]] }],
    [0x011b, { rational: [[300, 1]] }],
    [0x0128, { short: [2] }],
    [0x0131, IDENTITY.software],
    [0x0132, '2026:05:01 12:34:56'],
    [0x013b, IDENTITY.artist],
    [0x0213, { short: [2] }], // YCbCrPositioning: co-sited
    [0x8298, IDENTITY.copyright],
    [
      0x8769,
      {
        ifd: [
          [0x829a, { rational: [[1, 250]] }], // ExposureTime
          [0x829d, { rational: [[56, 10]] }], // FNumber
          [0x8827, { short: [200] }], // ISO
          [0x9000, { undefined: Buffer.from('0232', 'latin1') }], // ExifVersion
          [0x9003, '2026:05:01 12:34:56'], // DateTimeOriginal
          [0x9101, { undefined: Uint8Array.of(1, 2, 3, 0) }], // ComponentsConfiguration: YCbCr
          [0x927c, { undefined: nikonMakerNote() }], // MakerNote
          [0x9286, { undefined: Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from(IDENTITY.comment, 'latin1')]) }], // UserComment
          [0xa001, { short: [1] }], // ColorSpace: sRGB
          [0xa002, { long: [width] }], // PixelXDimension
          [0xa003, { long: [height] }], // PixelYDimension
          [0xa005, { ifd: [[0x0001, 'R98']] }], // Interop IFD: InteropIndex
          [0xa420, IDENTITY.uniqueId],
          [0xa430, IDENTITY.owner],
          [0xa431, IDENTITY.bodySerial],
          [0xa434, 'FixtureLens 24-70mm F2.8'],
          [0xa435, IDENTITY.lensSerial],
        ],
      },
    ],
    [
      0x8825,
      {
        ifd: [
          [0x0000, { byte: [2, 3, 0, 0] }], // GPSVersionID
          [0x0001, 'N'],
          [0x0002, { rational: latitude }],
          [0x0003, 'E'],
          [0x0004, { rational: longitude }],
          [0x0006, { rational: [[3400, 100]] }], // GPSAltitude
          [0x001d, '2026:05:01'], // GPSDateStamp
        ],
      },
    ],
  ];
  if (orientation !== undefined) ifd0.push([0x0112, { short: [orientation] }]);
  return tiff(true, ifd0, {
    ifd1: [
      [0x0103, { short: [6] }], // Compression: JPEG (old-style thumbnail)
      [0x011a, { rational: [[72, 1]] }],
      [0x011b, { rational: [[72, 1]] }],
      [0x0128, { short: [2] }],
    ],
    jpeg: thumbnailJpeg,
  });
}

// JPEG -------------------------------------------------------------------------------------------

export function jpegSegment(marker: number, body: Uint8Array): Buffer {
  if (body.length > 65_533) throw new RangeError(`a JPEG segment holds at most 65533 bytes, not ${body.length}`);
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/** The segments of a JPEG from the first table (DQT/DHT/SOF...) on: what an encoder writes after its metadata. */
export function jpegBody(jpeg: Uint8Array): Buffer {
  const bytes = Buffer.from(jpeg);
  let at = 2;
  while (bytes[at + 1]! >= 0xe0 && bytes[at + 1]! <= 0xef) at += 2 + bytes.readUInt16BE(at + 2);
  return bytes.subarray(at);
}

/** The ICC_PROFILE APP2 segments of a profile, in `chunks` pieces ("ICC_PROFILE\0", sequence number, count, data). */
export function iccSegments(profile: Uint8Array, chunks: number): Buffer[] {
  const size = Math.ceil(profile.length / chunks);
  return Array.from({ length: chunks }, (_, index) =>
    jpegSegment(
      0xe2,
      Buffer.concat([
        Buffer.from('ICC_PROFILE\0', 'latin1'),
        Buffer.from([index + 1, chunks]),
        profile.subarray(index * size, (index + 1) * size),
      ]),
    ),
  );
}

/** An IPTC-IIM dataset: 0x1C, record, dataset, 2-byte length, data. */
function iptc(record: number, dataset: number, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const header = Buffer.from([0x1c, record, dataset, 0, 0]);
  header.writeUInt16BE(data.length, 3);
  return Buffer.concat([header, data]);
}

/** An APP13 "Photoshop 3.0" block with one 8BIM resource 0x0404 (IPTC-IIM): by-line, city, copyright notice. */
export function photoshopIptcSegment(): Buffer {
  const records = Buffer.concat([
    iptc(1, 90, '\x1b%G'), // coded character set: UTF-8
    iptc(2, 80, IDENTITY.iptcByline),
    iptc(2, 90, IDENTITY.iptcCity),
    iptc(2, 116, IDENTITY.copyright),
  ]);
  const resource = Buffer.alloc(12);
  resource.write('8BIM', 0, 'latin1');
  resource.writeUInt16BE(0x0404, 4); // IPTC-NAA; name: empty Pascal string, padded to even (2 bytes)
  resource.writeUInt32BE(records.length, 8);
  const padding = Buffer.alloc(records.length & 1);
  return jpegSegment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource, records, padding]));
}

/** Standard XMP pointing at an extended XMP split over two APP1 segments (GUID, full length, offset). */
export function xmpSegments(): Buffer[] {
  const extended = Buffer.from(
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="${IDENTITY.xmpCreator}" photoshop:City="${IDENTITY.xmpCity}"/></rdf:RDF></x:xmpmeta>`,
    'utf8',
  );
  const guid = 'A1B2C3D4E5F60718293A4B5C6D7E8F90';
  const half = Math.ceil(extended.length / 2);
  const extendedSegment = (offset: number, part: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(extended.length, 0);
    header.writeUInt32BE(offset, 4);
    return jpegSegment(0xe1, Buffer.concat([Buffer.from(XMP_EXTENSION_NS, 'latin1'), Buffer.from(guid, 'latin1'), header, part]));
  };
  return [
    jpegSegment(0xe1, Buffer.concat([Buffer.from(XMP_NS, 'latin1'), Buffer.from(xmpPacket(guid), 'utf8')])),
    extendedSegment(0, extended.subarray(0, half)),
    extendedSegment(half, extended.subarray(half)),
  ];
}

/** ISO BMFF box: 4-byte size, type, payload. */
function box(type: string, payload: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

/** A C2PA-like JUMBF superbox (ISO 19566-5): a description box labelled "c2pa" and a JSON box naming the author. */
function jumbfBox(): Buffer {
  const c2paUuid = Buffer.from('6332706100110010800000aa00389b71', 'hex');
  const description = box('jumd', Buffer.concat([c2paUuid, Buffer.from([0x03]), Buffer.from('c2pa\0', 'latin1')]));
  return box('jumb', Buffer.concat([description, box('json', Buffer.from(JSON.stringify({ author: IDENTITY.artist }), 'utf8'))]));
}

/** An MPF APP2 segment (CIPA DC-007) indexing the primary image and one preview, offsets from the MPF TIFF header. */
function mpfSegment(primarySize: number, previewOffset: number, previewSize: number): Buffer {
  const entries = Buffer.alloc(32);
  entries.writeUInt32LE(0x20030000, 0); // primary image, baseline JPEG
  entries.writeUInt32LE(primarySize, 4);
  entries.writeUInt32LE(0, 8);
  entries.writeUInt32LE(0x00010001, 16); // large thumbnail (VGA)
  entries.writeUInt32LE(previewSize, 20);
  entries.writeUInt32LE(previewOffset, 24);
  const index = tiff(true, [
    [0xb000, { undefined: Buffer.from('0100', 'latin1') }], // MPFVersion
    [0xb001, { long: [2] }], // NumberOfImages
    [0xb002, { undefined: entries }], // MPEntry
  ]);
  return jpegSegment(0xe2, Buffer.concat([Buffer.from('MPF\0', 'latin1'), index]));
}

export interface CameraJpeg {
  bytes: Buffer;
  /** The encoder's output before the metadata segments were put in (no profile): its scans are the camera file's, byte for byte. */
  encoded: Buffer;
  /** The ICC profile put in (Display P3, as sharp writes it). */
  icc: Buffer;
}

/**
 * A camera JPEG with everything a camera, a phone and an editor add: JFIF, the camera Exif
 * (`cameraExif`, orientation 6 unless told, with MakerNote and thumbnail), standard and extended
 * XMP, a Display P3 profile in two ICC_PROFILE chunks, MPF with a 320x240 preview after EOI (the
 * preview has its own Exif with GPS and serial), APP13 Photoshop/IPTC, APP14 Adobe, a COM, an
 * APP11 JUMBF (C2PA-like) box. The image data is sharp's, `progressive` if asked.
 */
export async function cameraJpeg(options: { orientation?: number; progressive?: boolean } = {}): Promise<CameraJpeg> {
  const { orientation = 6, progressive = false } = options;
  const width = 160;
  const height = 120;
  const pixels = randomBytes(width * height * 3);
  const raw = () => sharp(pixels, { raw: { width, height, channels: 3 } });
  const encoded = await raw().jpeg({ quality: 85, progressive }).toBuffer();
  const thumbnail = await raw().resize(80, 60).jpeg({ quality: 60 }).toBuffer();
  const preview = await raw()
    .resize(320, 240)
    .withExif({
      IFD0: { Make: IDENTITY.make, Model: IDENTITY.model },
      IFD2: { BodySerialNumber: IDENTITY.bodySerial },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(IDENTITY.latitude), GPSLongitudeRef: 'E', GPSLongitude: dms(IDENTITY.longitude) },
    })
    .jpeg({ quality: 70 })
    .toBuffer();
  const icc = (
    await raw()
      .withIccProfile('p3')
      .jpeg()
      .toBuffer()
      .then((jpeg) => sharp(jpeg).metadata())
  ).icc!;
  const jfif = jpegSegment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x01, 0x01, 0x2c, 0x01, 0x2c, 0x00, 0x00]));
  const exif = jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), cameraExif(orientation, thumbnail, width, height)]));
  const adobe = jpegSegment(0xee, Buffer.from([0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01]));
  const comment = jpegSegment(0xfe, Buffer.from(IDENTITY.comment, 'latin1'));
  const jumbf = jpegSegment(0xeb, Buffer.concat([Buffer.from('JP\0\x01\0\0\0\x01', 'latin1'), jumbfBox()]));
  const before = (mpf: Buffer) =>
    Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      jfif,
      exif,
      ...xmpSegments(),
      ...iccSegments(icc, 2),
      mpf,
      photoshopIptcSegment(),
      adobe,
      comment,
      jumbf,
      jpegBody(encoded),
    ]);
  // The MPF offsets count from its TIFF header (8 bytes into the segment): lay the file out once to know where that is.
  const draft = before(mpfSegment(0, 0, preview.length));
  const mpfHeaderAt = draft.indexOf('MPF\0', 0, 'latin1') + 4;
  const primary = before(mpfSegment(draft.length, draft.length - mpfHeaderAt, preview.length));
  return { bytes: Buffer.concat([primary, preview]), encoded, icc };
}

// PNG --------------------------------------------------------------------------------------------

/** A PNG's chunks: type, data, and the whole chunk as it stands in the file. */
export function pngChunks(png: Uint8Array): Array<{ type: string; data: Buffer; whole: Buffer }> {
  const bytes = Buffer.from(png);
  const chunks: Array<{ type: string; data: Buffer; whole: Buffer }> = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    chunks.push({
      type: bytes.toString('latin1', at + 4, at + 8),
      data: bytes.subarray(at + 8, at + 8 + length),
      whole: bytes.subarray(at, at + 12 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

function textChunk(keyword: string, text: string): Buffer {
  return pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

/** iTXt: keyword, NUL, compression flag and method, language tag, NUL, translated keyword, NUL, text (UTF-8). */
function internationalTextChunk(keyword: string, text: string): Buffer {
  return pngChunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text, 'utf8')]));
}

/**
 * A phone PNG (`phonePhoto('png')`: iCCP, eXIf with GPS and serials, XMP in zTXt as libvips
 * writes it) with what other writers add: XMP in iTXt (the standard place), tEXt Author and
 * Comment, ImageMagick's "Raw profile type exif", tIME, Apple's iDOT, a C2PA-like caBX, and bytes
 * after IEND.
 */
export async function cameraPng(options: PhonePhotoOptions = {}): Promise<Buffer> {
  const phone = await phonePhoto('png', options);
  const extra = [
    internationalTextChunk('XML:com.adobe.xmp', xmpPacket()),
    textChunk('Author', IDENTITY.pngAuthor),
    textChunk('Comment', IDENTITY.comment),
    textChunk('Raw profile type exif', `\nexif\n      20\n${Buffer.from(`Exif\0\0${IDENTITY.bodySerial}`, 'latin1').toString('hex')}\n`),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 5, 1, 12, 34, 56])),
    pngChunk('iDOT', Buffer.alloc(28)),
    pngChunk('caBX', jumbfBox()),
  ];
  const chunks = pngChunks(phone);
  const firstIdat = chunks.findIndex(({ type }) => type === 'IDAT');
  return Buffer.concat([
    PNG_SIGNATURE,
    ...chunks.slice(0, firstIdat).map(({ whole }) => whole),
    ...extra,
    ...chunks.slice(firstIdat).map(({ whole }) => whole),
    Buffer.from(`trailing ${IDENTITY.owner}`, 'latin1'),
  ]);
}

/**
 * An APNG of two 64x48 frames (acTL, fcTL, IDAT, fcTL, fdAT) with an sRGB chunk, an eXIf holding
 * orientation, GPS and a serial, and a tEXt Author: the frames' compressed data is sharp's.
 */
export async function animatedPng(): Promise<Buffer> {
  const width = 64;
  const height = 48;
  const frames = await Promise.all([0, 1].map(() => noise(width, height).png().toBuffer()));
  const idat = (png: Buffer) =>
    Buffer.concat(
      pngChunks(png)
        .filter(({ type }) => type === 'IDAT')
        .map(({ data }) => data),
    );
  const header = pngChunks(frames[0]!).find(({ type }) => type === 'IHDR')!;
  const fcTL = (sequence: number) => {
    const data = Buffer.alloc(26);
    data.writeUInt32BE(sequence, 0);
    data.writeUInt32BE(width, 4);
    data.writeUInt32BE(height, 8);
    data.writeUInt16BE(1, 20); // delay 1/10 s
    data.writeUInt16BE(10, 22);
    return pngChunk('fcTL', data);
  };
  const acTL = Buffer.alloc(8);
  acTL.writeUInt32BE(2, 0); // frames; plays: 0 (forever)
  const fdAT = Buffer.concat([Buffer.from([0, 0, 0, 2]), idat(frames[1]!)]);
  const exif = tiff(false, [
    [0x010f, IDENTITY.make],
    [0x0112, { short: [6] }],
    [
      0x8825,
      {
        ifd: [
          [0x0001, 'N'],
          [0x0002, { rational: latitude }],
        ],
      },
    ],
    [0x8769, { ifd: [[0xa431, IDENTITY.bodySerial]] }],
  ]);
  return Buffer.concat([
    PNG_SIGNATURE,
    header.whole,
    pngChunk('acTL', acTL),
    pngChunk('sRGB', Buffer.from([0])),
    pngChunk('eXIf', exif),
    textChunk('Author', IDENTITY.pngAuthor),
    fcTL(0),
    pngChunk('IDAT', idat(frames[0]!)),
    fcTL(1),
    pngChunk('fdAT', fdAT),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// WebP -------------------------------------------------------------------------------------------

/** A RIFF chunk: four-character code, little-endian size, data, a pad byte when the size is odd. */
export function riffChunk(code: string, data: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.write(code, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length & 1)]);
}

/** A WebP's chunks after the RIFF header. */
export function webpChunks(webp: Uint8Array): Array<{ code: string; data: Buffer; whole: Buffer }> {
  const bytes = Buffer.from(webp);
  const chunks: Array<{ code: string; data: Buffer; whole: Buffer }> = [];
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32LE(at + 4);
    const end = at + 8 + size + (size & 1);
    chunks.push({
      code: bytes.toString('latin1', at, at + 4),
      data: bytes.subarray(at + 8, at + 8 + size),
      whole: bytes.subarray(at, end),
    });
    at = end;
  }
  return chunks;
}

/** A WebP from chunks: the RIFF header with the right size. */
export function webpOf(chunks: Uint8Array[]): Buffer {
  const body = Buffer.concat(chunks);
  const header = Buffer.from('RIFF\0\0\0\0WEBP', 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  return Buffer.concat([header, body]);
}

/**
 * A phone WebP (`phonePhoto('webp')`) whose EXIF chunk holds the TIFF structure with no "Exif\0\0"
 * before it (the WebP container spec's form, which exiftool and Google's tools write; libvips
 * writes the prefix), and with an unknown chunk after the metadata.
 */
export async function cameraWebp(options: PhonePhotoOptions = {}): Promise<Buffer> {
  const phone = await phonePhoto('webp', options);
  return webpOf(
    webpChunks(phone)
      .map(({ code, data, whole }) =>
        code === 'EXIF' && data.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? riffChunk('EXIF', data.subarray(6)) : whole,
      )
      .concat(riffChunk('C2PA', jumbfBox())),
  );
}

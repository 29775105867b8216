import ExifReader from 'exifreader';
import { describe, expect, it } from 'vitest';
import { tiff } from '@event-photos/testing/camera-fixtures';
import { EXIF_HEADER, orientationOnlyTiff, replaceExifPayload, summarizeExif } from '#lib/exif-orientation';

describe('the Exif kept: Orientation alone', () => {
  it.each([true, false])('reads the orientation and names the identifying tags (little-endian: %s)', (littleEndian) => {
    const block = tiff(
      littleEndian,
      [
        [0x010f, 'Maker'],
        [0x0112, { short: [6] }],
        [0x013b, 'Artist'],
        [
          0x8769,
          {
            ifd: [
              [0x927c, { undefined: Buffer.from('maker note') }],
              [0xa431, 'serial'],
            ],
          },
        ],
        [0x8825, { ifd: [[0x0001, 'N']] }],
      ],
      { ifd1: [[0x0103, { short: [6] }]], jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) },
    );
    expect(summarizeExif(block)).toEqual({
      orientation: 6,
      littleEndian,
      found: ['Make', 'Artist', 'MakerNote', 'BodySerialNumber', 'GPS', 'Thumbnail'],
    });
  });

  it.each([0, 9, 0xffff])('takes no orientation of %i', (value) => {
    expect(summarizeExif(tiff(true, [[0x0112, { short: [value] }]]))?.orientation).toBeUndefined();
  });

  it('reads what fits of an IFD that declares more entries than the block holds', () => {
    const block = tiff(true, [
      [0x010f, 'M'],
      [0x0112, { short: [3] }],
    ]);
    block.writeUInt16LE(5000, 8); // IFD0 entry count
    expect(summarizeExif(block)).toEqual({ orientation: 3, littleEndian: true, found: ['Make'] });
  });

  it('reads nothing from a block that is not a TIFF structure, or whose IFD0 is outside it', () => {
    expect(summarizeExif(Buffer.from('nonsense!'))).toBeUndefined();
    expect(summarizeExif(Buffer.from('MM\0\x2a\xff\xff\xff\xff'))).toEqual({ littleEndian: false, found: [] });
    expect(summarizeExif(Buffer.from('II\x2a\0\x08\0\0\0\x01'))).toEqual({ littleEndian: true, found: [] });
  });

  it('looks one level deep only: an Exif IFD pointing back at IFD0 is read once', () => {
    const block = tiff(true, [
      [0x0112, { short: [1] }],
      [0x8769, { long: [8] }],
    ]);
    expect(summarizeExif(block)).toEqual({ orientation: 1, littleEndian: true, found: [] });
  });

  it('writes 26 bytes that readers take for an Exif with Orientation alone', () => {
    const block = orientationOnlyTiff(8, false);
    expect(block.length).toBe(26);
    const tags = ExifReader.load(Buffer.from(block), { expanded: true });
    expect(Object.keys(tags.exif ?? {})).toEqual(['Orientation']);
    expect(tags.exif?.Orientation?.value).toBe(8);
  });

  it('replaces in the convention of the original ("Exif\\0\\0" or not), and reports nothing for a block already minimal', () => {
    const original = tiff(true, [
      [0x010f, 'M'],
      [0x0112, { short: [5] }],
    ]);
    const bare = replaceExifPayload(original);
    expect(bare).toEqual({ found: ['Exif', 'Make'], replacement: orientationOnlyTiff(5, true) });
    const prefixed = replaceExifPayload(Buffer.concat([EXIF_HEADER, original]));
    expect(prefixed.replacement).toEqual(new Uint8Array(Buffer.concat([EXIF_HEADER, orientationOnlyTiff(5, true)])));
    expect(replaceExifPayload(bare.replacement!)).toEqual({ found: [], replacement: bare.replacement });
  });
});

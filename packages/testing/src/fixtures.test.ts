import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JPEG_MIN_BYTES, jpegBytes } from '#lib/fixtures';

describe('jpegBytes', () => {
  it('is a JPEG every size asked for, that a decoder reads', async () => {
    for (const size of [266, JPEG_MIN_BYTES, 271, 272, 273, 274, 1000, 65_803, 65_804, 65_805, 65_806, 65_807, 65_808, 65_809, 200_000]) {
      const bytes = jpegBytes(size);
      expect(bytes.length).toBe(size);
      const { format, width, height } = await sharp(bytes, { failOn: 'error' }).metadata();
      expect({ format, width, height }).toStrictEqual({ format: 'jpeg', width: 1, height: 1 });
      await expect(sharp(bytes, { failOn: 'error' }).raw().toBuffer()).resolves.toHaveLength(3);
    }
  });

  it('refuses a size too small for a real JPEG', () => {
    expect(() => jpegBytes(100)).toThrow(RangeError);
  });
});

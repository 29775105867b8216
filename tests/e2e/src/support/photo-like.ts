import sharp from 'sharp';

// Photos for byte budgets: what the grid loads must weigh what a camera photo's renditions weigh,
// not what a flat test pattern or pure noise does (a 320-wide WebP of either is off by 5x). A
// scene of soft shapes on a gradient, with texture at three scales (so it survives downscaling, as
// a photo's detail does): a 1200x900 one gives WebP renditions of about 9 KB at 320 wide and 60 KB
// at 960 wide (quality 80), in the range of phone photos; the 8.8 MB for 200 photos at
// 960 wide is 44 KB each, so these are no lighter than what it measured.

/** A seeded generator: the same seed, the same picture. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function noise(width: number, height: number, scale: number, next: () => number): Promise<Buffer> {
  const w = Math.max(2, Math.round(width / scale));
  const h = Math.max(2, Math.round(height / scale));
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(next() * 256);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .resize(width, height, { kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/** A photo-like JPEG (quality 88), `seed` picking its colours, shapes and texture. */
export async function photoLikeJpeg(seed: number, width = 1200, height = 900): Promise<Buffer> {
  const next = random(seed);
  const colour = () => `rgb(${Math.floor(next() * 255)},${Math.floor(next() * 255)},${Math.floor(next() * 255)})`;
  const shapes = Array.from(
    { length: 14 },
    () =>
      `<ellipse cx="${next() * width}" cy="${next() * height}" rx="${40 + (next() * width) / 3}" ry="${30 + (next() * height) / 3}" ` +
      `fill="${colour()}" opacity="${0.3 + next() * 0.6}"/>`,
  ).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" ` +
    `x2="${next()}" y2="1"><stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).blur(4).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const layers = await Promise.all(
    [
      [8, 14],
      [3, 10],
      [1, 6],
    ].map(async ([scale, amplitude]) => ({ pixels: await noise(width, height, scale!, next), amplitude: amplitude! })),
  );
  for (let i = 0; i < data.length; i++) {
    let value = data[i]!;
    for (const { pixels, amplitude } of layers) value += (pixels[i]! / 255 - 0.5) * 2 * amplitude;
    data[i] = Math.max(0, Math.min(255, Math.round(value)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

/**
 * The same picture with other bytes (a JPEG comment naming `copy`): the event keeps
 * one photo per SHA-256, so this makes many photos of few pictures, each processed and served alone.
 */
export function copyOfJpeg(jpeg: Buffer, copy: number): Buffer {
  const text = Buffer.from(`copy ${copy}`);
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(2 + text.length, 2);
  text.copy(segment, 4);
  // After the APPn segments (JFIF, EXIF), which decoders want first.
  let offset = 2;
  while (jpeg[offset] === 0xff && jpeg[offset + 1]! >= 0xe0 && jpeg[offset + 1]! <= 0xef) offset += 2 + jpeg.readUInt16BE(offset + 2);
  return Buffer.concat([jpeg.subarray(0, offset), segment, jpeg.subarray(offset)]);
}

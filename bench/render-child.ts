// One piece of image work in a fresh process, bundled and spawned by bench/renditions.ts:
//
//   node render-child.mjs <variant> <image file> [<runs>]
//     product      new SharpPhotoRenderer().render(bytes, 'image/jpeg'): decode once, shrink-on-load
//     naive        per output (320, 960, 1920, placeholder), sharp(bytes).autoOrient().resize(...) from the
//                  file: one decode each, JPEG shrink-on-load still applies
//     naive-full   per output, the whole image decoded to raw pixels at full size, then resized: one full
//                  decode each, no shrink-on-load (what decoding "the image" each time costs)
//     codecs       the 1920-wide rendition's pixels (as the product makes them), encoded as WebP (the
//                  product's settings, and effort 4, sharp's default, which the product used before) and
//                  AVIF, <runs> times each (AVIF once): ms, CPU ms, bytes, PSNR
//     stages       the product's work one step at a time, each timed (ms and CPU ms): SHA-256 of the bytes,
//                  the header, the decode (shrink-on-load, oriented, sRGB, 1920 wide), each rendition's
//                  resize and its WebP encode, the placeholder: where the renderer's time goes
//
// Bundled (bench/bundle.ts, the deploy's options: sharp external) so the child is plain JavaScript
// like a Lambda bundle. The report is one JSON line on fd 3. Peak RSS is this process's VmHWM: a
// fresh process per run, so it is the high-water mark of that run alone.
import { createHash } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import sharp, { type AvifOptions, type Sharp, type WebpOptions } from 'sharp';
import { RENDITION_WIDTHS, renditionWidths } from '@event-photos/core';
import { SharpPhotoRenderer, decodeOnce, renditionWebp, stripIdentifyingMetadata } from '@event-photos/images';

const started = performance.now();

const PLACEHOLDER = { width: 16, height: 16, fit: 'inside', webp: { quality: 40 } } as const;
/** The product's WebP settings before effort 2 for the 1920w (sharp's default effort). */
const EFFORT_4_WEBP = { quality: 80, effort: 4 } as const;

export type Variant = 'product' | 'naive' | 'naive-full' | 'codecs' | 'stages';

export interface CodecSetting {
  name: string;
  format: 'webp' | 'avif';
  options: WebpOptions | AvifOptions;
}
const webpName = ({ quality, effort }: WebpOptions) => `WebP q${quality} e${effort}`;
const PRODUCT_1920 = renditionWebp(RENDITION_WIDTHS.at(-1)!);
/**
 * The product's WebP first (the verdict compares AVIF with it). sharp's AVIF defaults are quality 50,
 * effort 4 (4:4:4): "defaults" and q50 e4 are the same encode.
 */
const CODEC_SETTINGS: CodecSetting[] = [
  { name: `${webpName(PRODUCT_1920)} (product)`, format: 'webp', options: PRODUCT_1920 },
  { name: `${webpName(EFFORT_4_WEBP)} (sharp's default effort)`, format: 'webp', options: EFFORT_4_WEBP },
  { name: 'AVIF defaults (q50 e4)', format: 'avif', options: {} },
  { name: 'AVIF q60 e4', format: 'avif', options: { quality: 60, effort: 4 } },
];

export interface CodecReading {
  name: string;
  format: 'webp' | 'avif';
  ms: number[];
  cpuMs: number[];
  bytes: number;
  /** PSNR of the decoded output against the pixels encoded, dB (all channels). */
  psnrDb: number;
}

/** One step of the `stages` variant. */
export interface StageReading {
  stage: string;
  ms: number;
  cpuMs: number;
}

export interface RenderReport {
  kind: 'render' | 'error';
  variant: Variant;
  /** Process start to this file running (Node's start-up and the bundle's import, sharp included). */
  startedMs: number;
  /** VmHWM just before the file is read: Node, the bundle and libvips loaded, no image yet. */
  hwmBeforeKiB: number | null;
  /** VmHWM at the end: the peak of the whole process, the work included. */
  hwmKiB: number | null;
  /** The child's group in the cgroup v1 `cpu` hierarchy, so the bench can check the quota applied. */
  cpuCgroup: string | null;
  /** The work, from the bytes in memory to the last output (file read excluded). */
  ms?: number;
  /** process.cpuUsage() over the work, user + system: CPU time, whatever the share. */
  cpuMs?: number;
  inputBytes?: number;
  /** Outputs: width x height and bytes (WebP bytes; the product's placeholder decoded from its data: URI). */
  outputs?: Array<{ width: number; height: number; bytes: number }>;
  codecs?: CodecReading[];
  /** codecs: the pixels encoded. */
  source?: { width: number; height: number };
  /** stages: each step, in order, one after the other. */
  stages?: StageReading[];
  error?: string;
}

function highWaterKiB(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function cpuCgroup(): string | null {
  try {
    const line = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((entry) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(entry));
    return line ? line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) : null;
  } catch {
    return null;
  }
}

// Every variant runs as the product does (one photo per process, libvips' operation cache off:
// SharpPhotoRenderer's module sets it on import). Said again here: with the cache on, the naive
// variants' repeated decodes of the same buffer could be answered from it.
sharp.cache(false);

/** What the product's widths are for an image `width` wide once oriented. */
const widthsFor = async (bytes: Buffer) => renditionWidths((await sharp(bytes).metadata()).autoOrient.width);

async function product(bytes: Buffer) {
  const outcome = await new SharpPhotoRenderer().render(bytes, 'image/jpeg');
  if (outcome.kind !== 'rendered') throw new Error(`the renderer answered ${outcome.kind}: ${outcome.reason}`);
  const placeholder = Buffer.from(outcome.placeholder.slice(outcome.placeholder.indexOf(',') + 1), 'base64');
  const { width = 0, height = 0 } = await sharp(placeholder).metadata();
  return [
    ...outcome.renditions.map(({ width, height, bytes: data }) => ({ width, height, bytes: data.length })),
    { width, height, bytes: placeholder.length },
  ];
}

const encoded = async (image: Sharp) => {
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, bytes: data.length };
};

/** One decode of the file per output, all outputs at once (the product encodes one after another). */
async function naive(bytes: Buffer) {
  const widths = await widthsFor(bytes);
  return Promise.all([
    ...widths.map((width) => encoded(sharp(bytes).autoOrient().resize({ width }).webp(renditionWebp(width)))),
    encoded(sharp(bytes).autoOrient().resize(PLACEHOLDER).webp(PLACEHOLDER.webp)),
  ]);
}

/** The same, but each output first decodes the whole image to raw pixels: no shrink-on-load. */
async function naiveFull(bytes: Buffer) {
  const widths = await widthsFor(bytes);
  const full = async () => {
    const { data, info } = await sharp(bytes).autoOrient().raw().toBuffer({ resolveWithObject: true });
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  };
  return Promise.all([
    ...widths.map(async (width) => encoded((await full()).resize({ width }).webp(renditionWebp(width)))),
    (async () => encoded((await full()).resize(PLACEHOLDER).webp(PLACEHOLDER.webp)))(),
  ]);
}

async function codecs(bytes: Buffer, runs: number): Promise<{ codecs: CodecReading[]; source: { width: number; height: number } }> {
  const source = await decodeOnce(sharp(bytes), RENDITION_WIDTHS.at(-1)!);
  const pixels = () => sharp(source.data, { raw: source.info });
  const readings: CodecReading[] = [];
  for (const setting of CODEC_SETTINGS) {
    const reading: CodecReading = { name: setting.name, format: setting.format, ms: [], cpuMs: [], bytes: 0, psnrDb: 0 };
    // AVIF takes tens of seconds per encode here: one reading is enough to compare at that scale.
    let out = Buffer.alloc(0);
    for (let run = 0; run < (setting.format === 'avif' ? 1 : runs); run++) {
      const cpu = process.cpuUsage();
      const begin = performance.now();
      out = await (setting.format === 'webp' ? pixels().webp(setting.options) : pixels().avif(setting.options)).toBuffer();
      reading.ms.push(performance.now() - begin);
      const used = process.cpuUsage(cpu);
      reading.cpuMs.push((used.user + used.system) / 1000);
    }
    reading.bytes = out.length;
    reading.psnrDb = psnr(source.data, (await sharp(out).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })).data);
    readings.push(reading);
  }
  return { codecs: readings, source: { width: source.info.width, height: source.info.height } };
}

/**
 * The product's steps one at a time, in the renderer's order, each timed: the decode as decodeOnce
 * does it, each rendition resized from those pixels to raw pixels and then encoded with the
 * product's settings (the renderer streams the two in one pipeline), the placeholder. SHA-256 as
 * processing hashes the bytes it reads, and the stripped original it publishes; the read itself is the handler's (the processing runs).
 */
async function stages(bytes: Buffer): Promise<{ stages: StageReading[]; outputs: NonNullable<RenderReport['outputs']> }> {
  const readings: StageReading[] = [];
  const step = async <T>(stage: string, work: () => Promise<T> | T): Promise<T> => {
    const cpu = process.cpuUsage();
    const begin = performance.now();
    const value = await work();
    const used = process.cpuUsage(cpu);
    readings.push({ stage, ms: performance.now() - begin, cpuMs: (used.user + used.system) / 1000 });
    return value;
  };
  await step('SHA-256', () => createHash('sha256').update(bytes).digest());
  // The published original: the metadata taken out, losslessly (no decode), and hashed for the record.
  await step('strip metadata + SHA-256', () => {
    const stripped = stripIdentifyingMetadata(bytes, 'image/jpeg');
    return 'bytes' in stripped ? createHash('sha256').update(stripped.bytes).digest() : null;
  });
  const header = await step('header', () => sharp(bytes).metadata());
  const widths = renditionWidths(header.autoOrient.width);
  const source = await step('decode', () => decodeOnce(sharp(bytes, { failOn: 'error', sequentialRead: true, pages: 1 }), widths.at(-1)!));
  const pixels = ({ data, info }: typeof source) => sharp(data, { raw: info });
  const outputs: NonNullable<RenderReport['outputs']> = [];
  for (const width of widths) {
    const resized =
      width === source.info.width
        ? source
        : await step(`resize to ${width}`, async () => {
            const { data, info } = await pixels(source).resize({ width }).raw().toBuffer({ resolveWithObject: true });
            return { data, info: { width: info.width, height: info.height, channels: info.channels } };
          });
    const options = renditionWebp(width);
    outputs.push(await step(`encode ${width} (WebP e${options.effort})`, () => encoded(pixels(resized).webp(options))));
  }
  outputs.push(await step('placeholder (resize + encode)', () => encoded(pixels(source).resize(PLACEHOLDER).webp(PLACEHOLDER.webp))));
  return { stages: readings, outputs };
}

function psnr(reference: Buffer, decoded: Buffer): number {
  if (reference.length !== decoded.length) throw new Error(`PSNR: ${decoded.length} bytes decoded, ${reference.length} encoded`);
  let squared = 0;
  for (let i = 0; i < reference.length; i++) {
    const error = reference[i]! - decoded[i]!;
    squared += error * error;
  }
  return 10 * Math.log10((255 * 255) / (squared / reference.length));
}

const report = (fields: Partial<RenderReport>) =>
  writeSync(3, `${JSON.stringify({ startedMs: started, hwmKiB: highWaterKiB(), cpuCgroup: cpuCgroup(), ...fields })}\n`);

const [variant, file, runs = '3'] = process.argv.slice(2) as [Variant, string, string?];
const hwmBeforeKiB = highWaterKiB();
try {
  const bytes = readFileSync(file);
  if (variant === 'codecs') {
    report({ kind: 'render', variant, hwmBeforeKiB, inputBytes: bytes.length, ...(await codecs(bytes, Number(runs))) });
  } else if (variant === 'stages') {
    report({ kind: 'render', variant, hwmBeforeKiB, inputBytes: bytes.length, ...(await stages(bytes)) });
  } else {
    const work = { product, naive, 'naive-full': naiveFull }[variant];
    if (!work) throw new Error(`unknown variant ${variant}`);
    const cpu = process.cpuUsage();
    const begin = performance.now();
    const outputs = await work(bytes);
    const ms = performance.now() - begin;
    const used = process.cpuUsage(cpu);
    report({ kind: 'render', variant, hwmBeforeKiB, ms, cpuMs: (used.user + used.system) / 1000, inputBytes: bytes.length, outputs });
  }
  process.exit(0);
} catch (error) {
  report({ kind: 'error', variant, hwmBeforeKiB, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
}

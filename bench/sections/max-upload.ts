// Section 3: processing a max-size upload. process-uploaded-photo in a child on a camera-like JPEG
// of --hash-mib MiB (the deploy's MAX_UPLOAD_BYTES by default) and of 5 MiB, a fresh upload each
// run (initiate-upload; bench/fresh-uploads.ts): it reads the object whole, hashes and decodes it,
// accepts, publishes and stamps the photo ready. Beside it, a child that only GETs the same bytes
// (the read's share) and SHA-256 of the bytes in memory.
import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Client } from '@event-photos/aws';
import { localResourcesOf } from '@event-photos/local-stack';
import { childFigures, series } from '../child-figures.ts';
import { fixed, medMinOf, plural, summarize, table, whole, type Summary } from '../format.ts';
import { bundleOf } from '../functions.ts';
import { collectGarbage, type Harness, type ProcessedRun } from '../harness.ts';
import { photoJpegOfSize } from '../photo-of-size.ts';
import type { BenchContext, BenchOptions, ReadmeRow, Section } from '../section.ts';
import { CHILD_SCRIPT, runChild, type ChildRun } from '../spawn-child.ts';

const MiB = 1024 * 1024;
/** The second size: a phone photo's, beside the largest upload accepted. */
const SMALL_MIB = 5;

export interface MaxUploadResult {
  runs: number;
  maxUploadBytes: number;
  sizes: Array<{
    objectMiB: number;
    /** The photo's width x height. */
    photo: string;
    handlerMs: Summary;
    /** Import of the bundle in the child. */
    childLoadMs: Summary | null;
    peakRssMiB: Summary | null;
    maxRssMiB: Summary | null;
    /**
     * Bytes processing read and hashed, each run: the photo record's size, once its SHA-256 (which
     * processing computes: the upload declares none) was found to be that of every byte uploaded.
     */
    bytesRead: number[];
    getOnlyMs: Summary;
    rawSha256Ms: Summary;
  }>;
}

/** A child that GETs the object with node:http and discards it: what the emulator chain serves at. */
async function getOnly(url: string, size: number, env: NodeJS.ProcessEnv): Promise<ChildRun> {
  collectGarbage();
  const drain = await runChild([CHILD_SCRIPT, '--drain', url], env);
  if (drain.exitCode !== 0 || drain.report?.kind !== 'drain' || drain.report.bytes !== size)
    throw new Error(`GET-only child failed: ${drain.report?.error ?? ''} ${drain.output}`);
  return drain;
}

/**
 * A photo of `size` bytes, hashed in memory `runs` times, staged for a fresh upload each run; its
 * bytes are not kept (this process forks the children, and it holds the emulators).
 */
async function uploadPhoto(harness: Harness, size: number, runs: number) {
  const photo = await photoJpegOfSize(size);
  const rawSha256Ms = Array.from({ length: runs }, () => {
    const started = performance.now();
    createHash('sha256').update(photo.bytes).digest('hex');
    return performance.now() - started;
  });
  const staged = await harness.stage(photo.bytes, `Photo of ${size / MiB} MiB`);
  const { outputs } = harness;
  const { credentials } = localResourcesOf(outputs);
  const s3 = createS3Client({ endpoint: outputs.s3Endpoint, region: outputs.region, credentials, forcePathStyle: true });
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: staged.bucket, Key: staged.key }), { expiresIn: 3600 });
  s3.destroy();
  return { staged, url, photo: `${photo.width}x${photo.height}`, rawSha256Ms: summarize(rawSha256Ms) };
}

async function measureSize(
  context: BenchContext,
  harness: Harness,
  sizeMiB: number,
  runs: number,
): Promise<MaxUploadResult['sizes'][number]> {
  const size = sizeMiB * MiB;
  context.progress(`max-size upload: staging a ${sizeMiB} MiB photo (each run uploads it afresh through initiate-upload)`);
  const { staged, url, photo, rawSha256Ms } = await uploadPhoto(harness, size, runs);
  const bundle = bundleOf((await context.bundles()).deploy, 'process-uploaded-photo');
  const handlerRuns: ProcessedRun[] = [];
  const drains: ChildRun[] = [];
  for (let i = 1; i <= runs; i++) {
    context.progress(`max-size upload: ${sizeMiB} MiB, run ${i}/${runs}`);
    drains.push(await getOnly(url, size, harness.childEnv));
    handlerRuns.push(await harness.processInChild(bundle, staged, `max-size ${sizeMiB} MiB run ${i}`));
  }
  const figures = childFigures(handlerRuns);
  return {
    objectMiB: sizeMiB,
    photo,
    handlerMs: figures.invokeMs!,
    childLoadMs: figures.loadMs,
    peakRssMiB: figures.peakRssMiB,
    maxRssMiB: figures.maxRssMiB,
    bytesRead: handlerRuns.map((run) => run.photos[0]!.size),
    getOnlyMs: summarize(series(drains, (report) => report.drainMs)),
    rawSha256Ms,
  };
}

async function run(context: BenchContext, options: BenchOptions): Promise<MaxUploadResult> {
  const harness = await context.harness();
  if (options.hashMiB * MiB > harness.maxUploadBytes)
    throw new Error(`--hash-mib ${options.hashMiB} is over the deploy's MAX_UPLOAD_BYTES (${harness.maxUploadBytes} bytes)`);
  const sizes: MaxUploadResult['sizes'] = [];
  for (const sizeMiB of [...new Set([SMALL_MIB, options.hashMiB])].sort((a, b) => a - b))
    sizes.push(await measureSize(context, harness, sizeMiB, options.hashRuns));
  return { runs: options.hashRuns, maxUploadBytes: harness.maxUploadBytes, sizes };
}

/** "median / best" MiB/s of reading `sizeMiB` in the times summarised. */
const throughput = (sizeMiB: number, ms: Summary) => `${whole(sizeMiB / (ms.median / 1000))} / ${whole(sizeMiB / (ms.min / 1000))}`;

function report(result: MaxUploadResult): string {
  return [
    '3. Processing a max-size upload: process-uploaded-photo in a child on a camera-like JPEG (photoJpeg, padded to the byte with',
    '   comment segments), a fresh upload each run (initiate-upload; bench/fresh-uploads.ts): one invocation (HeadObject, GET of',
    '   every byte + SHA-256, type check, decode and renditions, the accept transaction, the publish copy and rendition PUTs, the',
    `   ready stamp), each checked afterwards; the deploy's MAX_UPLOAD_BYTES is ${whole(result.maxUploadBytes / MiB)} MiB. bytes read = the`,
    "   record's size, its SHA-256 (computed by processing: none declared) being that of every byte uploaded.",
    "   Beside it: GET-only = a child fetching the same object (presigned URL, node:http) and discarding it (the read's share:",
    '   the S3 emulator serves from this parent process, on the same CPUs); raw sha256 = createHash on the bytes in memory.',
    `   ${plural(result.runs, 'run')}; ms as median / min; MiB/s as median / best; child peak RSS (VmHWM) as median / min / max.`,
    table(
      [
        'object MiB',
        'photo',
        'handler ms',
        'GET-only ms',
        'GET-only MiB/s',
        'raw sha256 ms',
        'raw sha256 MiB/s',
        'child load ms',
        'child peak RSS MiB',
        'ru_maxrss MiB',
        'bytes read',
      ],
      result.sizes.map((row) => [
        String(row.objectMiB),
        row.photo,
        medMinOf(row.handlerMs, whole),
        medMinOf(row.getOnlyMs, whole),
        throughput(row.objectMiB, row.getOnlyMs),
        medMinOf(row.rawSha256Ms, whole),
        throughput(row.objectMiB, row.rawSha256Ms),
        medMinOf(row.childLoadMs),
        row.peakRssMiB ? `${fixed(row.peakRssMiB.median)} / ${fixed(row.peakRssMiB.min)} / ${fixed(row.peakRssMiB.max)}` : '-',
        medMinOf(row.maxRssMiB),
        [...new Set(row.bytesRead)].join(' | '),
      ]),
    ),
  ].join('\n');
}

function readme(result: MaxUploadResult): ReadmeRow[] {
  return result.sizes.map((row) => ({
    what: `processing a ${row.objectMiB} MiB upload (a ${row.photo} photo), full CPU`,
    figure: `${whole(row.handlerMs.median)} ms, peak RSS ${row.peakRssMiB ? whole(row.peakRssMiB.median) : '-'} MiB, ${row.bytesRead.every((bytes) => bytes === row.objectMiB * MiB) ? 'every byte read' : `bytes read ${[...new Set(row.bytesRead)].join(', ')}`}`,
    baseline: `a bare GET of the object: ${whole(row.getOnlyMs.median)} ms; SHA-256 in memory: ${whole(row.rawSha256Ms.median)} ms`,
  }));
}

export const maxUpload: Section<MaxUploadResult> = { name: 'max-upload', usesHarness: true, run, report, readme };

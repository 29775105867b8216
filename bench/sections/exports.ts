// Section 8: exports ("download all"). The export worker's own code (runExport, the S3 zip writer:
// S3 reads -> yazl -> multipart upload) zips an event's photos on the local S3, in a fresh process
// bundled like the Lambda, at full CPU and at the CPU share of the worker's memory (serverless.yml);
// beside it, the baseline: the same objects only read, through the same S3 client, in the same run.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@event-photos/aws';
import { exportArchiveKey, publishedObjectKey, type Photo } from '@event-photos/core';
import { openPromise } from 'yauzl';
import { REPO_ROOT, readServerlessApp } from '@event-photos/local-stack';
import { LOCAL_S3_CREDENTIALS, startS3 } from '@event-photos/local-stack/parts';
import { buildBundles } from '../bundle.ts';
import { createCpuGroups, vcpuShare, type CpuGroup } from '../cpu-share.ts';
import type { ExportChildConfig, ExportChildReport } from '../export-child.ts';
import { fixed, table, whole } from '../format.ts';
import type { BenchContext, BenchOptions, ReadmeRow, Section } from '../section.ts';
import { runChild } from '../spawn-child.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const BUCKET = 'bench-exports';
const EVENT = 'bench-exports';
/** The export child's export (bench/export-child.ts). */
const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
/** What the issue asks of one invocation: 2,000 photos, 5 GiB, within Lambda's 15 minutes. */
const TARGET = { photos: 2000, bytes: 5 * GiB, seconds: 900 };

interface Reading extends ExportChildReport {
  /** The CPU share it ran at (null: full CPU). */
  memoryMB: number | null;
}

export interface ExportsResult {
  photos: number;
  photoBytes: number;
  totalBytes: number;
  /** The worker's memory and timeout in serverless.yml. */
  memoryMB: number;
  timeoutSeconds: number;
  seedSeconds: number;
  readings: Reading[];
  /** Why there are no CPU-share readings, when there are none. */
  shareUnavailable: string | null;
  /** The last zip, opened with yauzl: its entries, size, and whether it needed ZIP64 (an entry past 4 GiB). */
  zip: { entries: number; uniqueNames: number; bytes: number; zip64: boolean };
}

const MBps = (reading: Reading) => reading.bytes / 1e6 / (reading.wallMs / 1000);

/** The export child's zip (the last one written), downloaded and opened with a standard reader: its central directory. */
async function openZip(s3: S3Client, dir: string): Promise<ExportsResult['zip']> {
  const file = path.join(dir, 'export.zip');
  const { Body, ContentLength } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: exportArchiveKey(EVENT, EXPORT_ID) }));
  await pipeline(Body as Readable, createWriteStream(file));
  const zip = await openPromise(file, { lazyEntries: true, strictFileNames: true });
  const names = new Set<string>();
  let entries = 0;
  let zip64 = false;
  for await (const entry of zip.eachEntry()) {
    entries += 1;
    names.add(entry.fileName);
    zip64 ||= entry.relativeOffsetOfLocalHeader >= 0xffffffff;
  }
  zip.close();
  await rm(file, { force: true });
  return { entries, uniqueNames: names.size, bytes: ContentLength!, zip64 };
}

/** The event's objects: random bytes (photos do not compress), each a little different, written 8 at a time. */
async function seed(endpoint: string, count: number, size: number): Promise<Photo[]> {
  const s3 = createS3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true });
  const body = randomBytes(size);
  const photos: Photo[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let n = next++; n < count; n = next++) {
        const photoId = `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
        const key = publishedObjectKey(EVENT, photoId, 'image/jpeg');
        const bytes = Buffer.from(body);
        bytes.writeUInt32BE(n, 0);
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes, ContentType: 'image/jpeg' }));
        photos[n] = {
          photoId,
          eventId: EVENT,
          title: `Photo ${n % 100}`, // alike titles: names made unique
          description: '',
          contentType: 'image/jpeg',
          size,
          sha256: String(n).padStart(64, '0'),
          url: `https://cdn.example/${key}`,
          uploaderId: 'organizer',
          uploaderName: 'Organizer',
          objectKeys: [key],
          createdAt: new Date(Date.UTC(2026, 4, 1) + n * 1000).toISOString(),
        };
      }
    }),
  );
  s3.destroy();
  return photos.reverse(); // newest first, as the listing answers
}

async function reading(bundle: string, configFile: string, mode: 'export' | 'read', group?: CpuGroup): Promise<Reading> {
  const env = { PATH: process.env['PATH'] ?? '', POWERTOOLS_LOG_LEVEL: 'WARN', AWS_REGION: 'us-east-1' };
  const run = await runChild<ExportChildReport>([bundle, configFile, mode], env, group);
  if (!run.report?.ok) throw new Error(`exports ${mode}: ${run.report?.error ?? `no report (exit ${run.exitCode}): ${run.output}`}`);
  return { ...run.report, memoryMB: group?.memoryMB ?? null };
}

async function run(context: BenchContext, options: BenchOptions): Promise<ExportsResult> {
  const spec = (await readServerlessApp(REPO_ROOT)).functions.get('exportPhotos');
  if (!spec) throw new Error('serverless.yml has no function exportPhotos');
  const dir = await mkdtemp(path.join(context.workDir, 'exports-'));
  const photoBytes = options.exportPhotoKiB * 1024;
  context.progress(`exports: ${options.exportPhotos} objects of ${options.exportPhotoKiB} KiB into a local S3, and the child bundle`);
  const s3 = await startS3({
    directory: path.join(dir, 's3'),
    port: 0,
    bucket: BUCKET,
    corsRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], AllowedHeaders: ['*'] }],
    onEvent: () => undefined,
    log: () => undefined,
  });
  const groups = await createCpuGroups([spec.memoryMB]);
  if (groups.available) context.onStop(groups.remove);
  try {
    const seedStarted = performance.now();
    const photos = await seed(s3.endpoint, options.exportPhotos, photoBytes);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await mkdir(path.join(dir, 'bundle'));
    const bundle = (await buildBundles({ 'export-child': path.join(REPO_ROOT, 'bench/export-child.ts') }, path.join(dir, 'bundle'))).get(
      'export-child',
    )!.file;
    const config: ExportChildConfig = {
      endpoint: s3.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_S3_CREDENTIALS,
      bucket: BUCKET,
      eventId: EVENT,
      photos,
      remainingMs: spec.timeoutSeconds * 1000,
    };
    const configFile = path.join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify(config));
    const readings: Reading[] = [];
    const groupOf = groups.available ? groups.groups.get(spec.memoryMB) : undefined;
    for (const group of [undefined, groupOf].filter((_, i) => i === 0 || groupOf)) {
      for (const mode of ['read', 'export'] as const) {
        context.progress(`exports: ${mode} at ${group ? `${spec.memoryMB} MB's CPU share` : 'full CPU'}`);
        readings.push(await reading(bundle, configFile, mode, group));
      }
    }
    context.progress('exports: the zip, opened with yauzl');
    const client = createS3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true });
    const zip = await openZip(client, dir).finally(() => client.destroy());
    return {
      photos: options.exportPhotos,
      photoBytes,
      totalBytes: photoBytes * options.exportPhotos,
      memoryMB: spec.memoryMB,
      timeoutSeconds: spec.timeoutSeconds,
      seedSeconds,
      readings,
      shareUnavailable: groups.available ? null : groups.reason,
      zip,
    };
  } finally {
    if (groups.available) await groups.remove();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Seconds the target (2,000 photos, 5 GiB) would take at a reading's rate, scaled by bytes and by objects alike (the larger). */
function targetSeconds(result: ExportsResult, reading: Reading): number {
  const seconds = reading.wallMs / 1000;
  return Math.max((seconds * TARGET.bytes) / result.totalBytes, (seconds * TARGET.photos) / result.photos);
}

function report(result: ExportsResult): string {
  const where = (reading: Reading) =>
    reading.memoryMB === null ? 'full CPU' : `${reading.memoryMB} MB (${fixed(vcpuShare(reading.memoryMB), 2)} vCPU)`;
  const rows = result.readings.map((reading) => [
    reading.mode === 'export' ? 'export (zip to S3)' : 'baseline: read only',
    where(reading),
    String(reading.objects),
    fixed(reading.bytes / GiB, 2),
    fixed(reading.wallMs / 1000, 1),
    fixed(MBps(reading), 0),
    fixed(reading.cpuMs / 1000, 1),
    `${whole(reading.idleRssMiB)} / ${whole(reading.peakRssMiB)}`,
    whole(targetSeconds(result, reading)),
  ]);
  return [
    `8. Exports: ${result.photos} photos of ${fixed(result.photoBytes / MiB, 2)} MiB (${fixed(result.totalBytes / GiB, 2)} GiB, random bytes), on the local S3`,
    '   (s3rver behind its SigV4 proxy, in the bench process); the export worker (runExport with the S3 zip writer: 4 objects open,',
    '   16 MiB parts, 3 in flight) in a fresh process bundled like the Lambda, beside the same objects only read, one after another.',
    `   Seeding took ${fixed(result.seedSeconds, 0)} s. RSS = the child's VmHWM before the run (Node + bundle) / at its end.`,
    `   "2,000 / 5 GiB s" scales the reading to the issue's target by bytes and by photos (the larger); the worker has ${result.timeoutSeconds} s`,
    `   at ${result.memoryMB} MB. Disk and the emulator are this machine's, not S3's: on AWS the network, not this, sets the pace.`,
    table(['reading', 'CPU', 'objects', 'GiB', 's', 'MB/s', 'CPU s', 'RSS MiB idle / peak', '2,000 / 5 GiB s'], rows),
    ...(result.shareUnavailable ? [`   No CPU-share readings: ${result.shareUnavailable}.`] : []),
    `   The last zip, opened with yauzl: ${result.zip.entries} entries (${result.zip.uniqueNames} distinct names), ${fixed(result.zip.bytes / GiB, 2)} GiB, ${result.zip.zip64 ? 'ZIP64 (entries past 4 GiB)' : 'no ZIP64 needed'}.`,
  ].join('\n');
}

function readme(result: ExportsResult): ReadmeRow[] {
  const exported = result.readings.filter((reading) => reading.mode === 'export');
  const slowest = exported.at(-1)!;
  const baseline = result.readings.filter((reading) => reading.mode === 'read' && reading.memoryMB === slowest.memoryMB).at(-1)!;
  return [
    {
      what: `export of ${result.photos} photos (${fixed(result.totalBytes / GiB, 1)} GiB) to a zip on the local S3, ${slowest.memoryMB === null ? 'full CPU' : `${slowest.memoryMB} MB's CPU share`}`,
      figure: `${fixed(slowest.wallMs / 1000, 0)} s, ${fixed(MBps(slowest), 0)} MB/s, peak RSS ${whole(slowest.peakRssMiB)} MiB`,
      baseline: `read only: ${fixed(baseline.wallMs / 1000, 0)} s, ${fixed(MBps(baseline), 0)} MB/s, peak RSS ${whole(baseline.peakRssMiB)} MiB`,
    },
  ];
}

export const exportsSection: Section<ExportsResult> = { name: 'exports', usesHarness: false, run, report, readme };

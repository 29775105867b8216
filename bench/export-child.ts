// One reading of the exports section, in a fresh process (bundled like a Lambda by
// bench/sections/exports.ts, so its memory is a function's): the export worker's own code
// (runExport with the S3 zip writer) against the local S3, or the baseline, a plain read of the
// same objects through the same S3 client.
//
//   node export-child.mjs <config.json> export|read
//
// The report is one JSON line on fd 3: wall and CPU ms, bytes, peak RSS (VmHWM).
import { readFileSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { S3ZipArchiveWriter, createS3Client } from '@event-photos/aws';
import { exportArchiveKey, newExport, type Photo, type PhotoLister } from '@event-photos/core';
import { InMemoryExportStore } from '@event-photos/testing/fakes';
import { runExport } from '../services/photos-api/src/exports/run-export.ts';

export interface ExportChildConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  bucket: string;
  eventId: string;
  /** The event's ready photos, newest first, as the listing answers them. */
  photos: Photo[];
  /** What Lambda would leave the run: its timeout. */
  remainingMs: number;
}

export interface ExportChildReport {
  mode: 'export' | 'read';
  ok: boolean;
  error?: string;
  wallMs: number;
  cpuMs: number;
  /** Objects read (the baseline) or zip entries written (the export). */
  objects: number;
  /** Bytes read from S3 (the baseline) or of the zip (the export). */
  bytes: number;
  /** This process's peak RSS before the run (Node and the bundle) and at the end (Linux VmHWM), MiB. */
  idleRssMiB: number;
  peakRssMiB: number;
}

const [configFile, mode] = process.argv.slice(2) as [string, 'export' | 'read'];
const config = JSON.parse(readFileSync(configFile, 'utf8')) as ExportChildConfig;
const s3 = createS3Client({ endpoint: config.endpoint, region: config.region, credentials: config.credentials, forcePathStyle: true });

function highWaterMiB(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** The listing the worker pages through, over the photos given (the table is not what is measured). */
const listing: PhotoLister = {
  async listPhotos(_eventId, { limit, cursor }) {
    const start = cursor === undefined ? 0 : Number(cursor);
    const items = config.photos.slice(start, start + limit);
    const next = start + items.length;
    return { items, nextCursor: next < config.photos.length ? String(next) : null, feedCursor: null };
  },
};

async function exportAll(): Promise<{ objects: number; bytes: number }> {
  const exports = new InMemoryExportStore();
  const now = new Date();
  const exportId = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a'; // the section opens this zip afterwards
  await exports.startExport(
    newExport({ eventId: config.eventId, exportId, requesterId: 'organizer', asOrganizer: true, eventName: 'Bench' }, now),
    now,
  );
  const stores = { exports, members: { getMembership: async () => null }, listing, archives: new S3ZipArchiveWriter(s3, config.bucket) };
  const result = await runExport(stores, { eventId: config.eventId, exportId }, { runId: 'bench', remainingMs: config.remainingMs });
  const record = await exports.getExport(config.eventId, exportId, new Date());
  if (result !== 'ready') throw new Error(`export ${result}: ${record?.reason ?? ''} (zip ${exportArchiveKey(config.eventId, exportId)})`);
  return { objects: record!.photos, bytes: record!.bytes };
}

/** The baseline: every object the export reads, read through the same client, one after another, the bytes dropped. */
async function readAll(): Promise<{ objects: number; bytes: number }> {
  let bytes = 0;
  for (const photo of config.photos) {
    const key = new URL(photo.url!).pathname.slice(1);
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
    for await (const chunk of Body as Readable) bytes += (chunk as Buffer).length;
  }
  return { objects: config.photos.length, bytes };
}

const idleRssMiB = highWaterMiB();
const cpu = process.cpuUsage();
const started = performance.now();
let report: ExportChildReport;
try {
  const { objects, bytes } = mode === 'export' ? await exportAll() : await readAll();
  report = { mode, ok: true, wallMs: 0, cpuMs: 0, objects, bytes, idleRssMiB, peakRssMiB: 0 };
} catch (error) {
  report = { mode, ok: false, error: String(error), wallMs: 0, cpuMs: 0, objects: 0, bytes: 0, idleRssMiB, peakRssMiB: 0 };
}
const used = process.cpuUsage(cpu);
report.wallMs = performance.now() - started;
report.cpuMs = (used.user + used.system) / 1000;
report.peakRssMiB = highWaterMiB();
writeSync(3, `${JSON.stringify(report)}\n`);
s3.destroy();

import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ArchiveEntry } from '@event-photos/core';
import { fromBufferPromise } from 'yauzl';
import { S3ZipArchiveWriter } from '#lib/zip-archive-writer';

// The zip writer against a mocked S3: what it reads, what it uploads, and that the parts make a
// zip a standard reader (yauzl) opens, with exactly the entries and bytes given.
const BUCKET = 'photos-test';
const KEY = 'exports/archives/event_summit/9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a.zip';
const MiB = 1024 * 1024;
const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** The bucket's objects; a read streams one in 64 KiB chunks, as a socket would. */
let objects: Map<string, Buffer>;
let parts: Map<number, Buffer>;
let open = 0;
let mostOpen = 0;

function streamOf(bytes: Buffer): Readable {
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  open += 1;
  mostOpen = Math.max(mostOpen, open);
  const stream = Readable.from(chunks, { objectMode: false });
  stream.once('end', () => (open -= 1));
  return stream;
}

beforeEach(() => {
  s3.reset();
  objects = new Map();
  parts = new Map();
  open = 0;
  mostOpen = 0;
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
  s3.on(GetObjectCommand).callsFake(async ({ Key }: { Key: string }) => {
    const bytes = objects.get(Key);
    if (!bytes) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: streamOf(bytes), ContentLength: bytes.length };
  });
  s3.on(UploadPartCommand).callsFake(async ({ PartNumber, Body }: { PartNumber: number; Body: Buffer }) => {
    parts.set(PartNumber, Buffer.from(Body));
    return { ETag: `"etag-${PartNumber}"` };
  });
  s3.on(CompleteMultipartUploadCommand).resolves({});
  s3.on(AbortMultipartUploadCommand).resolves({});
});

const entry = (n: number, name = `photo ${n}.jpg`): ArchiveEntry => ({
  key: `photos/event_summit/${n}.jpg`,
  name,
  modifiedAt: '2026-05-01T10:00:00.000Z',
});
async function* listOf(entries: ArchiveEntry[]) {
  yield* entries;
}
const zipBytes = () => Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Each entry of the zip as yauzl reads it, with its bytes' SHA-256. */
async function readZip(bytes: Buffer) {
  const zip = await fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true });
  const entries: Array<{ name: string; method: number; modified: string; sha256: string; size: number }> = [];
  for await (const item of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(item)) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    entries.push({
      name: item.fileName,
      method: item.compressionMethod,
      modified: item.getLastModDate({ timezone: 'UTC' }).toISOString(),
      sha256: sha256(data),
      size: data.length,
    });
  }
  return entries;
}

describe('S3ZipArchiveWriter', () => {
  it('streams the objects into a multipart upload that a standard reader opens: stored, in order, byte for byte', async () => {
    const sizes = [3 * MiB, 1, 4 * MiB + 123, 2 * MiB, 0];
    for (const [n, size] of sizes.entries()) objects.set(entry(n).key, randomBytes(size));
    const entries = sizes.map((_, n) => entry(n, n === 2 ? 'Fête à Zürich 🎉 (b302099a).jpg' : undefined));
    const progress: number[] = [];
    const writer = new S3ZipArchiveWriter(client, BUCKET, { partSize: 5 * MiB, partsInFlight: 2, objectsAhead: 2 });

    const result = await writer.writeZip(KEY, listOf(entries), {
      fileName: 'Summit photos.zip',
      signal: new AbortController().signal,
      onProgress: ({ entries: written }) => progress.push(written),
    });

    const zip = zipBytes();
    expect(result).toEqual({ entries: 5, missing: 0, bytes: zip.length });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(await readZip(zip)).toEqual(
      entries.map((item, n) => ({
        name: item.name,
        method: 0,
        modified: '2026-05-01T10:00:00.000Z',
        sha256: sha256(objects.get(item.key)!),
        size: sizes[n],
      })),
    );
    // ~9 MiB in 5 MiB parts: every part but the last is full, as S3 requires.
    expect([...parts.keys()]).toEqual([1, 2]);
    expect(parts.get(1)!.length).toBe(5 * MiB);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      ContentType: 'application/zip',
      ContentDisposition: `attachment; filename="Summit photos.zip"; filename*=UTF-8''Summit%20photos.zip`,
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: KEY,
      UploadId: 'upload-1',
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"etag-1"' },
          { PartNumber: 2, ETag: '"etag-2"' },
        ],
      },
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it('opens a bounded number of objects at a time, and uploads a bounded number of parts', async () => {
    for (let n = 0; n < 40; n++) objects.set(entry(n).key, randomBytes(300 * 1024));
    let uploading = 0;
    let mostUploading = 0;
    s3.on(UploadPartCommand).callsFake(async ({ PartNumber, Body }: { PartNumber: number; Body: Buffer }) => {
      mostUploading = Math.max(mostUploading, ++uploading);
      await sleep(20);
      uploading -= 1;
      parts.set(PartNumber, Buffer.from(Body));
      return { ETag: `"etag-${PartNumber}"` };
    });
    const writer = new S3ZipArchiveWriter(client, BUCKET, { partSize: 5 * MiB, partsInFlight: 2, objectsAhead: 3 });
    const entries = Array.from({ length: 40 }, (_, n) => entry(n));
    await writer.writeZip(KEY, listOf(entries), { fileName: 'a.zip', signal: new AbortController().signal });
    expect(mostOpen).toBeLessThanOrEqual(3);
    expect(mostUploading).toBeLessThanOrEqual(2);
    expect(parts.size).toBe(3);
    expect((await readZip(zipBytes())).map((item) => item.name)).toEqual(entries.map((item) => item.name));
  });

  it('leaves out an object that is gone (its photo deleted meanwhile) and counts it missing', async () => {
    objects.set(entry(0).key, randomBytes(1000));
    objects.set(entry(2).key, randomBytes(2000));
    const writer = new S3ZipArchiveWriter(client, BUCKET);
    const result = await writer.writeZip(KEY, listOf([entry(0), entry(1), entry(2)]), {
      fileName: 'a.zip',
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({ entries: 2, missing: 1 });
    expect((await readZip(zipBytes())).map((item) => item.name)).toEqual(['photo 0.jpg', 'photo 2.jpg']);
  });

  it('aborts the upload and rejects when a read fails: nothing is completed', async () => {
    objects.set(entry(0).key, randomBytes(1000));
    s3.on(GetObjectCommand, { Key: entry(1).key }).rejects(new Error('connection reset'));
    const writer = new S3ZipArchiveWriter(client, BUCKET);
    await expect(
      writer.writeZip(KEY, listOf([entry(0), entry(1), entry(2)]), { fileName: 'a.zip', signal: new AbortController().signal }),
    ).rejects.toThrow('connection reset');
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY, UploadId: 'upload-1' });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('aborts the upload when a part fails', async () => {
    objects.set(entry(0).key, randomBytes(6 * MiB));
    s3.on(UploadPartCommand).rejects(new Error('SlowDown'));
    const writer = new S3ZipArchiveWriter(client, BUCKET, { partSize: 5 * MiB });
    await expect(writer.writeZip(KEY, listOf([entry(0)]), { fileName: 'a.zip', signal: new AbortController().signal })).rejects.toThrow(
      'SlowDown',
    );
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it("stops at the caller's signal (the run's deadline), aborts the upload and rejects with its reason", async () => {
    for (let n = 0; n < 5; n++) objects.set(entry(n).key, randomBytes(1000));
    const deadline = new AbortController();
    async function* slowly() {
      for (let n = 0; n < 5; n++) {
        if (n === 3) deadline.abort(new Error('out of time'));
        yield entry(n);
      }
    }
    const writer = new S3ZipArchiveWriter(client, BUCKET);
    await expect(writer.writeZip(KEY, slowly(), { fileName: 'a.zip', signal: deadline.signal })).rejects.toThrow('out of time');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(s3.commandCalls(GetObjectCommand).length).toBeLessThanOrEqual(3);
  });

  it('writes a zip of no entries (an event without photos)', async () => {
    const writer = new S3ZipArchiveWriter(client, BUCKET);
    await expect(writer.writeZip(KEY, listOf([]), { fileName: 'a.zip', signal: new AbortController().signal })).resolves.toEqual({
      entries: 0,
      missing: 0,
      bytes: 22,
    });
    expect(await readZip(zipBytes())).toEqual([]);
  });
});

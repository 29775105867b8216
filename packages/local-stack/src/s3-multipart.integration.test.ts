import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createS3Client } from '@event-photos/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';
import { startS3, type LocalS3 } from '#lib/s3';

// Multipart uploads on the local S3 (the export worker writes its zips with them), as S3 answers
// them: parts make the object only once completed, a part under 5 MiB but the last is refused
// (EntityTooSmall), an aborted or unknown upload is NoSuchUpload. s3rver alone has no abort.
const BUCKET = 'multipart-bucket';
const KEY = 'exports/archives/event_e/zip.zip';
const MiB = 1024 * 1024;
let directory: string;
let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 's3-multipart-'));
  s3 = await startS3({
    directory,
    port: 0,
    bucket: BUCKET,
    corsRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }],
    onEvent: () => undefined,
    log: () => undefined,
  });
  client = createS3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
  await rm(directory, { recursive: true, force: true });
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: unknown) => (error instanceof S3ServiceException ? error.name : Promise.reject(error)),
  );
const start = async (key = KEY) =>
  (await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/zip' }))).UploadId!;
const part = async (uploadId: string, PartNumber: number, body: Buffer, key = KEY) => ({
  PartNumber,
  ETag: (await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber, Body: body }))).ETag!,
});
const complete = (uploadId: string, parts: Array<{ PartNumber: number; ETag: string }>, key = KEY) =>
  client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));

describe('multipart uploads on the local S3', () => {
  it('makes the object from its parts, in order, only once completed; the object before stays until then', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'old zip' }));
    const uploadId = await start();
    const [first, second] = [randomBytes(5 * MiB), randomBytes(1234)];
    const parts = [await part(uploadId, 1, first), await part(uploadId, 2, second)];
    const before = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(await before.Body!.transformToString()).toBe('old zip');
    await complete(uploadId, parts);
    const after = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(after.ContentType).toBe('application/zip');
    expect(Buffer.from(await after.Body!.transformToByteArray()).equals(Buffer.concat([first, second]))).toBe(true);
    // Completed: the upload is gone.
    expect(await codeOf(part(uploadId, 3, second))).toBe('NoSuchUpload');
  });

  it('refuses to complete with a part under 5 MiB that is not the last (EntityTooSmall)', async () => {
    const key = 'exports/archives/event_e/small.zip';
    const uploadId = await start(key);
    const parts = [await part(uploadId, 1, randomBytes(MiB), key), await part(uploadId, 2, randomBytes(10), key)];
    expect(await codeOf(complete(uploadId, parts, key))).toBe('EntityTooSmall');
    expect(await codeOf(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })))).toBe('NotFound');
  });

  it('aborts an upload: its parts are dropped, and the upload is no more', async () => {
    const key = 'exports/archives/event_e/aborted.zip';
    const uploadId = await start(key);
    const parts = [await part(uploadId, 1, randomBytes(5 * MiB), key)];
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }));
    expect(await codeOf(complete(uploadId, parts, key))).toBe('NoSuchUpload');
    expect(await codeOf(client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId })))).toBe(
      'NoSuchUpload',
    );
    expect(await codeOf(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })))).toBe('NotFound');
    expect(await codeOf(part('0'.repeat(32), 1, randomBytes(10), key))).toBe('NoSuchUpload');
  });
});

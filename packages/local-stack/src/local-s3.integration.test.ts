import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { createS3Client } from '@event-photos/aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';
import { startS3, type LocalS3 } from '#lib/s3';

// The local S3 (startS3): s3rver behind the proxy, in this thread. (s3rver refuses an empty CORS
// configuration, so the bucket gets one rule.)
const BUCKET = 'conditions-bucket';
const KEY = 'uploads/event_e/photo.jpg';
let directory: string;
let s3: LocalS3 | undefined;

const start = async () => {
  s3 = await startS3({
    directory,
    port: 0,
    bucket: BUCKET,
    corsRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] }],
    onEvent: () => undefined,
    log: () => undefined,
  });
  return createS3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials: LOCAL_S3_CREDENTIALS, forcePathStyle: true });
};
const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : Promise.reject(error)),
  );

let etag: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 's3-conditions-'));
  const client = await start();
  etag = (await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'first version', ContentType: 'image/jpeg' }))).ETag!;
  await s3!.close();
});
afterAll(async () => {
  await s3?.close();
  await rm(directory, { recursive: true, force: true });
});

/** The ports this process listens on now (IPv4: /proc/net/tcp rows whose socket is one of our fds). */
async function listeningPorts(): Promise<Set<number>> {
  const fds = await readdir('/proc/self/fd');
  const inodes = new Set(
    (await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')))).map(
      (link) => /^socket:\[(\d+)\]$/.exec(link)?.[1],
    ),
  );
  const rows = (await readFile('/proc/net/tcp', 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.trim().split(/\s+/));
  return new Set(
    rows.filter((fields) => fields[3] === '0A' && inodes.has(fields[9])).map((fields) => parseInt(fields[1]!.split(':')[1]!, 16)),
  );
}

describe('the ports it opens', () => {
  it.skipIf(!existsSync('/proc/net/tcp'))("listens on the proxy's port only: nothing reaches s3rver unchecked", async () => {
    const before = await listeningPorts();
    await start();
    try {
      const opened = [...(await listeningPorts())].filter((port) => !before.has(port));
      expect(opened).toEqual([Number(new URL(s3!.endpoint).port)]);
    } finally {
      await s3!.close();
    }
  });
});

// The proxy answers S3's conditions from the ETags it saw written. After a restart it has seen
// none: it must ask s3rver for the object's version (an in-thread HEAD), not guess.
describe('after a restart, with no ETag seen yet', () => {
  it('answers 412 to If-None-Match: * on a key that exists (a second PUT to an upload URL)', async () => {
    const client = await start();
    try {
      expect(
        await statusOf(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'second version', IfNoneMatch: '*' }))),
      ).toBe(412);
      const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
      expect(await stored.Body!.transformToString()).toBe('first version');
    } finally {
      await s3!.close();
    }
  });

  it("answers If-Match and a copy's x-amz-copy-source-if-match by the stored version", async () => {
    const client = await start();
    try {
      expect(
        await statusOf(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, IfMatch: '"0123456789abcdef0123456789abcdef"' }))),
      ).toBe(412);
      expect(await statusOf(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY, IfMatch: etag })))).toBe(200);
      const copy = (ifMatch: string) =>
        client.send(
          new CopyObjectCommand({ Bucket: BUCKET, Key: 'photos/copy.jpg', CopySource: `${BUCKET}/${KEY}`, CopySourceIfMatch: ifMatch }),
        );
      expect(await statusOf(copy('"0123456789abcdef0123456789abcdef"'))).toBe(412);
      expect(await statusOf(copy(etag))).toBe(200);
    } finally {
      await s3!.close();
    }
  });
});

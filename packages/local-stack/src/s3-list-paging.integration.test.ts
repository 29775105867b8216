import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ObjectStorage } from '@event-photos/aws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { s3Client } from '#lib/test-support';
import { startLocalStack, type LocalStack } from '#lib/stack';

// ListObjectsV2 past one page (s3rver's own V2 paging answers 500 on Node 22), and the
// reconcile job over more objects than one page holds.
const OBJECTS = 2500;
const PREFIX = 'uploads/event_demo-event/';
let stack: LocalStack;
let dataDir: string;
let s3: S3Client;
let keys: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-list-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [10, 20] });
  s3 = s3Client(stack.outputs);
  keys = Array.from({ length: OBJECTS }, () => `${PREFIX}${randomUUID()}.jpg`).sort();
  // With DynamoDB down, the S3 events of these objects fail and leave them in place for the listing.
  await stack.dynamodb.pause();
  const queue = [...keys];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let key = queue.pop(); key; key = queue.pop()) {
        await s3.send(new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: key, Body: 'x', ContentType: 'image/jpeg' }));
      }
    }),
  );
  // Outside uploads/, where no S3 event goes: folders for the delimiter.
  for (const key of ['folders/a/1.txt', 'folders/a/2.txt', 'folders/b/1.txt', 'folders/top.txt']) {
    await s3.send(new PutObjectCommand({ Bucket: stack.outputs.bucketName, Key: key, Body: 'x' }));
  }
  await stack.notifications.idle();
  await stack.dynamodb.resume();
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const list = (input: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], 'Bucket'>) =>
  s3.send(new ListObjectsV2Command({ Bucket: stack.outputs.bucketName, ...input }));

it('pages through every key, in order, with continuation tokens', async () => {
  const listed: string[] = [];
  for await (const key of new ObjectStorage(s3, stack.outputs.bucketName).keys(PREFIX)) listed.push(key);
  expect(listed).toEqual(keys);

  const first = await list({ Prefix: PREFIX });
  expect(first).toMatchObject({ KeyCount: 1000, MaxKeys: 1000, IsTruncated: true, Prefix: PREFIX });
  expect(first.Contents?.at(-1)?.Key).toBe(keys[999]);
  expect(first.Contents?.[0]).toMatchObject({ Size: 1, StorageClass: 'STANDARD' });
  expect(first.Contents?.[0]?.Owner).toBeUndefined();
  const second = await list({ Prefix: PREFIX, ContinuationToken: first.NextContinuationToken, MaxKeys: 1200, FetchOwner: true });
  expect(second).toMatchObject({ KeyCount: 1000, MaxKeys: 1000, IsTruncated: true, ContinuationToken: first.NextContinuationToken });
  expect(second.Contents?.[0]?.Key).toBe(keys[1000]);
  expect(second.Contents?.[0]?.Owner?.ID).toBeTruthy();
});

it('honours StartAfter, MaxKeys, Delimiter and EncodingType as S3 does', async () => {
  const after = await list({ Prefix: PREFIX, StartAfter: keys[2497], MaxKeys: 5 });
  expect(after).toMatchObject({ KeyCount: 2, IsTruncated: false, StartAfter: keys[2497] });
  expect(after.Contents?.map((object) => object.Key)).toEqual(keys.slice(2498));

  const folders = await list({ Prefix: 'folders/', Delimiter: '/' });
  expect(folders.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['folders/a/', 'folders/b/']);
  expect(folders.Contents?.map((object) => object.Key)).toEqual(['folders/top.txt']);
  expect(folders).toMatchObject({ KeyCount: 3, Delimiter: '/', IsTruncated: false });

  // Common prefixes count against MaxKeys, and a page that ends on one continues after it.
  const pages = [];
  let token: string | undefined;
  do {
    const page = await list({ Prefix: 'folders/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token });
    pages.push([...(page.CommonPrefixes ?? []).map((prefix) => prefix.Prefix), ...(page.Contents ?? []).map((object) => object.Key)]);
    token = page.NextContinuationToken;
  } while (token);
  expect(pages).toEqual([['folders/a/'], ['folders/b/'], ['folders/top.txt']]);

  const encoded = await list({ Prefix: 'folders/a/', EncodingType: 'url' });
  expect(encoded).toMatchObject({ EncodingType: 'url', KeyCount: 2 });
  await expect(list({ Prefix: PREFIX, ContinuationToken: 'not a token' })).rejects.toMatchObject({ name: 'InvalidArgument' });
});

it('reconciles every object of a listing longer than a page', async () => {
  const report = await stack.invoke('reconcileUploads', {});
  // None has our metadata: all are rejected and deleted, which proves the job saw every one.
  expect(report).toMatchObject({ objects: OBJECTS, rejected: OBJECTS, failed: 0 });
  expect((await list({ Prefix: 'uploads/' })).KeyCount).toBe(0);
}, 120_000);

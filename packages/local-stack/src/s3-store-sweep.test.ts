import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sweepS3Store } from '#lib/s3-store-sweep';

let root: string;
let objectsDir: string;
let lostAndFound: string;
const bucketDir = () => path.join(objectsDir, 'bucket', 'uploads', 'event_demo');

/** One object as s3rver stores it; `null` leaves a file out. */
async function object(
  name: string,
  {
    data = 'bytes' as string | null,
    md5 = 'a'.repeat(32) as string | null,
    metadata = '{"content-type":"image/jpeg"}' as string | null,
  } = {},
) {
  await mkdir(bucketDir(), { recursive: true });
  const base = path.join(bucketDir(), name);
  if (data !== null) await writeFile(`${base}._S3rver_object`, data);
  if (md5 !== null) await writeFile(`${base}._S3rver_object.md5`, md5);
  if (metadata !== null) await writeFile(`${base}._S3rver_metadata.json`, metadata);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'event-photos-sweep-'));
  objectsDir = path.join(root, 'objects');
  lostAndFound = path.join(root, 'lost+found', 'now');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('sets aside partial objects and orphans, keeps whole ones, logs one line each', async () => {
  await object('whole.jpg');
  await object('no-md5.jpg', { md5: null }); // s3rver rebuilds a missing md5
  await object('empty-metadata.jpg', { metadata: '' });
  await object('truncated-metadata.jpg', { metadata: '{"content-ty' });
  await object('no-metadata.jpg', { metadata: null });
  await object('orphan-metadata.jpg', { data: null, md5: null });
  await object('orphan-md5.jpg', { data: null, metadata: null });
  await object('empty-md5.jpg', { md5: '' });
  await writeFile(path.join(objectsDir, 'bucket', '._S3rver_cors.xml'), '<CORSConfiguration/>');
  const lines: Array<Record<string, unknown>> = [];

  const count = await sweepS3Store({ objectsDir, lostAndFound, log: (line) => lines.push(line) });

  expect(count).toBe(6);
  expect(lines.map((line) => [line['object'], line['reason']]).sort()).toEqual([
    ['bucket/uploads/event_demo/empty-md5.jpg', 'unreadable md5 file'],
    ['bucket/uploads/event_demo/empty-metadata.jpg', 'empty metadata file'],
    ['bucket/uploads/event_demo/no-metadata.jpg', 'object without metadata'],
    ['bucket/uploads/event_demo/orphan-md5.jpg', 'md5 without an object'],
    ['bucket/uploads/event_demo/orphan-metadata.jpg', 'metadata without an object'],
    ['bucket/uploads/event_demo/truncated-metadata.jpg', 'unreadable metadata file'],
  ]);
  expect((await readdir(bucketDir())).sort()).toEqual([
    'empty-md5.jpg._S3rver_metadata.json',
    'empty-md5.jpg._S3rver_object',
    'no-md5.jpg._S3rver_metadata.json',
    'no-md5.jpg._S3rver_object',
    'whole.jpg._S3rver_metadata.json',
    'whole.jpg._S3rver_object',
    'whole.jpg._S3rver_object.md5',
  ]);
  expect((await readdir(path.join(lostAndFound, 'bucket', 'uploads', 'event_demo'))).sort()).toEqual([
    'empty-md5.jpg._S3rver_object.md5',
    'empty-metadata.jpg._S3rver_metadata.json',
    'empty-metadata.jpg._S3rver_object',
    'empty-metadata.jpg._S3rver_object.md5',
    'no-metadata.jpg._S3rver_object',
    'no-metadata.jpg._S3rver_object.md5',
    'orphan-md5.jpg._S3rver_object.md5',
    'orphan-metadata.jpg._S3rver_metadata.json',
    'truncated-metadata.jpg._S3rver_metadata.json',
    'truncated-metadata.jpg._S3rver_object',
    'truncated-metadata.jpg._S3rver_object.md5',
  ]);
  expect(existsSync(path.join(objectsDir, 'bucket', '._S3rver_cors.xml'))).toBe(true);
});

it('finds nothing to do in a consistent store, or none at all', async () => {
  await object('whole.jpg');
  expect(await sweepS3Store({ objectsDir, lostAndFound, log: () => undefined })).toBe(0);
  expect(existsSync(lostAndFound)).toBe(false);
  expect(await sweepS3Store({ objectsDir: path.join(root, 'missing'), lostAndFound, log: () => undefined })).toBe(0);
});

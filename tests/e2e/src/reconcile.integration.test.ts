import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { jpegBytes, signIn } from '@event-photos/local-stack/test-support';

// Failure never loses a photo: DynamoDB goes down while photos are uploaded, their S3 events
// fail all retries and land in the on-failure sink; after DynamoDB is back, reconcile records
// every photo exactly once.
let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-reconcile-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [20, 40] });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('records every photo uploaded while DynamoDB was down, once, after reconcile', async () => {
  const { apiUrl, demoEventId, demoUsers } = stack.outputs;
  const user = demoUsers.find((candidate) => candidate.groups.length === 0)!;
  const { idToken } = await signIn(stack.outputs, user.email, user.password);
  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' } });

  const files = [jpegBytes(1000), jpegBytes(2000), jpegBytes(3000)];
  const uploads = [];
  for (const bytes of files) {
    const response = await api(`/events/${demoEventId}/photos/initiate-upload`, {
      method: 'POST',
      body: JSON.stringify({ title: 'During the outage', contentType: 'image/jpeg', size: bytes.length }),
    });
    expect(response.status).toBe(201);
    uploads.push({ bytes, ...((await response.json()) as { photoId: string; s3PutObjectUrl: string; headers: Record<string, string> }) });
  }

  await stack.dynamodb.pause();
  for (const upload of uploads) {
    const put = await fetch(upload.s3PutObjectUrl, { method: 'PUT', headers: upload.headers, body: new Uint8Array(upload.bytes) });
    expect(put.status).toBe(200);
  }
  await stack.notifications.idle();
  await stack.dynamodb.resume();

  // One failed event per upload, each for its own object.
  const failed = (await readFile(path.join(dataDir, 'failed-events.jsonl'), 'utf8')).trim().split('\n');
  const failedKeys = failed.map((line) => {
    const { event } = JSON.parse(line) as { event: { Records: Array<{ s3: { object: { key: string } } }> } };
    return event.Records.map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
  });
  expect(failedKeys.flat().sort()).toEqual(uploads.map((upload) => `uploads/event_${demoEventId}/${upload.photoId}.jpg`).sort());
  const listIds = async () =>
    ((await (await api(`/events/${demoEventId}/photos?limit=100`)).json()) as { items: Array<{ photoId: string; sha256: string }> }).items;
  expect(await listIds()).toEqual([]);

  const report = await stack.invoke('reconcileUploads', {});
  expect(report).toMatchObject({ objects: 3, created: 3, failed: 0 });
  const recorded = await listIds();
  // A second run writes nothing: the records, createdAt included, stay exactly as the first run wrote them.
  const again = await stack.invoke('reconcileUploads', {});
  expect(again).toMatchObject({ objects: 3, created: 0, alreadyRecorded: 3, failed: 0 });

  const items = await listIds();
  expect(items).toEqual(recorded);
  expect(items.map((item) => item.photoId).sort()).toEqual(uploads.map((upload) => upload.photoId).sort());
  for (const upload of uploads) {
    expect(items.find((item) => item.photoId === upload.photoId)?.sha256).toBe(createHash('sha256').update(upload.bytes).digest('hex'));
  }
});

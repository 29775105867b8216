import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPhotosClient, type PhotosClient } from '@event-photos/client';
import { startLocalStack, type LocalStack } from '#lib/stack';
import { jpegBytes, signIn } from '#lib/test-support';

// Every function logs with its own Lambda context, as on AWS, even when many run at once:
// one process hosts them all locally, but each runs in its own instances with its own logger.
let dataDir: string;
let stack: LocalStack;
let api: PhotosClient;
const lines: Array<{ printedBy: string; line: Record<string, unknown> }> = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-logs-'));
  stack = await startLocalStack({
    dataDir,
    // Powertools logs each invocation's event too: every function writes at least one line.
    environment: { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_LOGGER_LOG_EVENT: 'true' },
    onFunctionLog: (printedBy, text) => {
      if (text.startsWith('{')) lines.push({ printedBy, line: JSON.parse(text) as Record<string, unknown> });
    },
  });
  const user = stack.outputs.demoUsers.find((candidate) => candidate.groups.length === 0)!;
  const { idToken } = await signIn(stack.outputs, user.email, user.password);
  api = createPhotosClient({ apiUrl: stack.outputs.apiUrl, eventId: stack.outputs.demoEventId, getToken: () => idToken });
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('labels every log line with the function that wrote it, under concurrent invocations of several functions', async () => {
  const uploads = 8;
  // Uploads, their processing, and reads of other functions, all overlapping.
  await Promise.all(
    Array.from({ length: uploads }, async (_, i) => {
      const { photoId } = await api.uploadFile(new Blob([jpegBytes(2000 + i)], { type: 'image/jpeg' }), { title: `Log ${i}` });
      await Promise.all([
        api.waitForPhoto(photoId, { intervalMs: 5, maxIntervalMs: 20 }),
        api.listPhotos({ limit: 5 }),
        api.getPhoto(photoId),
      ]);
    }),
  );
  await stack.notifications.idle();

  const recorded = lines.filter(({ line }) => line['message'] === 'Photo ready');
  expect(recorded).toHaveLength(uploads);
  for (const { printedBy, line } of recorded)
    expect({ printedBy, function_name: line['function_name'] }).toEqual({
      printedBy: 'processUploadedPhoto',
      function_name: 'processUploadedPhoto',
    });
  // Each processing line names its object and photo, though eight were processed at once.
  const processing = lines.filter(
    ({ printedBy, line }) => printedBy === 'processUploadedPhoto' && line['message'] !== 'Lambda invocation event',
  );
  expect(processing.length).toBeGreaterThanOrEqual(uploads);
  for (const { line } of processing) {
    expect(line['key'], JSON.stringify(line)).toBe(`uploads/event_${stack.outputs.demoEventId}/${String(line['photoId'])}.jpg`);
    expect(line['eventId']).toBe(stack.outputs.demoEventId);
  }
  // A request about one photo logs its ids too: a refused read of a photo that does not exist.
  const missing = randomUUID();
  await expect(api.getPhoto(missing)).rejects.toThrow();
  const refused = lines.filter(({ printedBy, line }) => printedBy === 'getPhoto' && line['message'] === 'Request refused');
  expect(refused.map(({ line }) => [line['status'], line['eventId'], line['photoId']])).toEqual([
    [404, stack.outputs.demoEventId, missing],
  ]);

  const withContext = lines.filter(({ line }) => line['function_name'] !== undefined);
  expect(new Set(withContext.map(({ printedBy }) => printedBy))).toEqual(
    new Set(['initiateUpload', 'processUploadedPhoto', 'getPhoto', 'listPhotos']),
  );
  for (const { printedBy, line } of withContext) expect(line['function_name']).toBe(printedBy);
  // A request id belongs to one function's invocation only.
  const functionOfRequest = new Map<unknown, string>();
  for (const { printedBy, line } of withContext) {
    expect(functionOfRequest.get(line['function_request_id']) ?? printedBy).toBe(printedBy);
    functionOfRequest.set(line['function_request_id'], printedBy);
  }
});

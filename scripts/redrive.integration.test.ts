// `npm run redrive` against the local stack: S3 events fail every retry while DynamoDB is down
// and land in failed-events.jsonl (the stand-in for the on-failure queue); the command, run as an
// operator runs it, replays them through processing, keeps what fails again, and drops the rest.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, startLocalStack, writeOutputs, type LocalStack } from '@event-photos/local-stack';
import { redriveLocalFile } from './redrive.ts';
import { jpegBytes, signIn } from '../packages/local-stack/src/test-support.ts';

let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-redrive-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [20, 40] });
  // What `npm start` writes, and the command reads to find the stack.
  await writeOutputs(path.join(dataDir, 'outputs.json'), stack.outputs);
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function redriveCommand(): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/redrive.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

const failedLines = async () => (await readFile(path.join(dataDir, 'failed-events.jsonl'), 'utf8')).split('\n').filter(Boolean);

it('replays the failed events through processing: kept while they still fail, gone once they pass', async () => {
  const { apiUrl, demoEventId, demoUsers } = stack.outputs;
  const user = demoUsers.find((candidate) => candidate.groups.length === 0)!;
  const { idToken } = await signIn(stack.outputs, user.email, user.password);
  const api = (pathname: string, init: RequestInit = {}) =>
    fetch(`${apiUrl}${pathname}`, { ...init, headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' } });

  const uploads = [];
  for (const bytes of [jpegBytes(1500), jpegBytes(2500)]) {
    const response = await api(`/events/${demoEventId}/photos/initiate-upload`, {
      method: 'POST',
      body: JSON.stringify({ title: 'During the outage', contentType: 'image/jpeg', size: bytes.length }),
    });
    expect(response.status).toBe(201);
    uploads.push({ bytes, ...((await response.json()) as { photoId: string; s3PutObjectUrl: string; headers: Record<string, string> }) });
  }
  await stack.dynamodb.pause();
  for (const upload of uploads) {
    expect(
      (await fetch(upload.s3PutObjectUrl, { method: 'PUT', headers: upload.headers, body: new Uint8Array(upload.bytes) })).status,
    ).toBe(200);
  }
  await stack.notifications.idle();
  const failed = await failedLines();
  expect(failed).toHaveLength(2);

  // Still down: every replay fails again, and every event stays for the next redrive.
  expect(await redriveLocalFile(path.join(dataDir, 'failed-events.jsonl'), stack.invoke)).toEqual({ replayed: 2, succeeded: 0, failed: 2 });
  expect(await failedLines()).toEqual(failed);

  await stack.dynamodb.resume();
  const run = await redriveCommand();
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ replayed: 2, succeeded: 2, failed: 0 });
  expect(await failedLines()).toEqual([]);
  for (const upload of uploads) {
    const photo = (await (await api(`/events/${demoEventId}/photos/${upload.photoId}`)).json()) as { status: string };
    expect(photo.status, upload.photoId).toBe('ready');
  }

  // Nothing left: a second redrive replays nothing.
  const again = await redriveCommand();
  expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toEqual({ replayed: 0, succeeded: 0, failed: 0 });
});

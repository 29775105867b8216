import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LOOPBACK } from '@event-photos/local-stack/parts';
import { REPO_ROOT, startLocalStack, type LocalStack, type LocalStackOutputs } from '@event-photos/local-stack';
import { jpegBytes, s3Client, signIn } from '@event-photos/local-stack/test-support';

// An unclean stop: `npm start` is SIGKILLed (its whole process group) while uploads are being
// written. The next start on the same data must come up consistent, and after reconcile every
// upload S3 acknowledged (200) has exactly one photo record.
const UPLOADS = 40;
const PLANTED_ID = randomUUID();
const PLANTED_KEY = `uploads/event_demo-event/${PLANTED_ID}.jpg`;
let dataDir: string;
let child: ChildProcess | undefined;
let stack: LocalStack | undefined;
const logs: Array<Record<string, unknown>> = [];

/** A base port with the six ports `npm start` uses free on loopback. */
async function freePortBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false));
      server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000); // below Linux's ephemeral ports
    let allFree = true;
    for (let port = base; port < base + 6 && allFree; port++) allFree = await free(port);
    if (allFree) return base;
  }
}

/** Kills the child's whole process group (npm, tsx, node) and waits until none of it is left. */
async function killChildGroup(): Promise<void> {
  if (!child?.pid) return;
  const pgid = child.pid;
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) process.kill(-pgid, 'SIGKILL');
  for (let waited = 0; alive() && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive(), 'a process of the killed stack survived').toBe(false);
  child = undefined;
}

async function startChildStack(): Promise<LocalStackOutputs> {
  const base = await freePortBase();
  child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir, LOCAL_PORT_BASE: String(base) },
    detached: true, // its own process group, so one kill reaches every process of it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('local stack ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return JSON.parse(await readFile(path.join(dataDir, 'outputs.json'), 'utf8')) as LocalStackOutputs;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-crash-'));
});

afterAll(async () => {
  await killChildGroup();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('recovers from a SIGKILL mid-upload: every acknowledged upload is recorded once, the store lists', async () => {
  const outputs = await startChildStack();
  const attendee = outputs.demoUsers.find((user) => user.groups.length === 0)!;
  const { idToken } = await signIn(outputs, attendee.email, attendee.password);
  const initiated = await Promise.all(
    Array.from({ length: UPLOADS }, async (_, i) => {
      const bytes = jpegBytes(512 * 1024 + i);
      const response = await fetch(`${outputs.apiUrl}/events/${outputs.demoEventId}/photos/initiate-upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Crash ${i}`, contentType: 'image/jpeg', size: bytes.length }),
      });
      expect(response.status).toBe(201);
      return { bytes, ...((await response.json()) as { photoId: string; s3PutObjectUrl: string; headers: Record<string, string> }) };
    }),
  );

  // All PUTs at once; the kill comes when a third of them are acknowledged.
  const acknowledged: string[] = [];
  let killed: Promise<void> | undefined;
  await Promise.all(
    initiated.map(async (upload) => {
      const put = await fetch(upload.s3PutObjectUrl, { method: 'PUT', headers: upload.headers, body: new Uint8Array(upload.bytes) }).catch(
        () => undefined,
      );
      if (put?.status === 200) acknowledged.push(upload.photoId);
      if (acknowledged.length >= UPLOADS / 3) killed ??= killChildGroup();
    }),
  );
  await (killed ?? killChildGroup());
  expect(acknowledged.length).toBeGreaterThan(0);

  // What a kill during s3rver's write leaves, in case this one missed: an object whose metadata
  // file is empty; and a checksums file cut short.
  const objectsDir = path.join(dataDir, 's3', 'objects', outputs.bucketName);
  const planted = path.join(objectsDir, PLANTED_KEY);
  await mkdir(path.dirname(planted), { recursive: true });
  await writeFile(`${planted}._S3rver_object`, jpegBytes(1000));
  await writeFile(`${planted}._S3rver_metadata.json`, '');
  await writeFile(path.join(dataDir, 's3', 'checksums.json'), '{"event-photos-local/uploads');

  stack = await startLocalStack({ dataDir, log: (line) => logs.push(line) });
  const setAside = logs.filter((line) => line['message'] === 'S3 store: set aside a partial object');
  expect(setAside.map((line) => line['object'])).toContain(`${outputs.bucketName}/${PLANTED_KEY}`);
  const lostAndFound = path.join(dataDir, 's3', 'lost+found');
  const [sweep] = await readdir(lostAndFound);
  expect(existsSync(path.join(lostAndFound, sweep!, outputs.bucketName, `${PLANTED_KEY}._S3rver_metadata.json`))).toBe(true);
  expect(existsSync(`${planted}._S3rver_object`)).toBe(false);
  expect(logs.some((line) => String(line['message']).startsWith('S3 store: checksums file unreadable'))).toBe(true);
  console.log(
    `crash: ${acknowledged.length} of ${UPLOADS} PUTs acknowledged before the kill; the sweep set aside ${setAside.length} partial object(s), 1 of them planted:`,
    setAside.map((line) => line['reason']),
  );

  const report = await stack.invoke('reconcileUploads', {});
  expect(report).toMatchObject({ failed: 0 });

  const s3 = s3Client(stack.outputs);
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: stack.outputs.bucketName, Prefix: 'uploads/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key);
    expect(keys).not.toContain(PLANTED_KEY);
    for (const photoId of acknowledged) expect(keys).toContain(`uploads/event_demo-event/${photoId}.jpg`);
  } finally {
    s3.destroy();
  }

  const token = (await signIn(stack.outputs, attendee.email, attendee.password)).idToken;
  const get = (pathname: string) => fetch(`${stack!.outputs.apiUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  const recorded: string[] = [];
  let cursor: string | null = null;
  do {
    const page = (await (
      await get(`/events/demo-event/photos?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    ).json()) as {
      items: Array<{ photoId: string }>;
      nextCursor: string | null;
    };
    recorded.push(...page.items.map((item) => item.photoId));
    cursor = page.nextCursor;
  } while (cursor);
  for (const photoId of acknowledged) {
    expect(recorded.filter((id) => id === photoId)).toHaveLength(1);
    expect(await (await get(`/events/demo-event/photos/${photoId}`)).json()).toMatchObject({ photoId, status: 'ready' });
  }
  expect(recorded).not.toContain(PLANTED_ID);
}, 180_000);

// The load generator of bench/load.ts, in a process of its own (a client, not part of the stack):
//   npx tsx bench/load-client.ts <outputs.json> <photos> <concurrency> [bytes] [declare|undeclared] [flood|uploader]
// Uploads through the full flow (initiate-upload, presigned PUT), then follows the event's feed
// until every acknowledged photo has its record (or 60 s pass). Prints one JSON line with the results.
// `declare` sends each file's SHA-256 with initiate-upload, as @event-photos/client does (S3 then
// verifies it, and processing's own hash must match it); `undeclared` leaves the hash to processing.
// `flood`: each client starts its next upload once the PUT is answered, whether processing keeps
// up or not. `uploader`: @event-photos/client's uploadPhotos, as the web app runs it: a client's
// slot is free once its photo is ready (waitForPhoto polls GET photo), so uploads never outrun processing.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createPhotosClient } from '@event-photos/client';
import type { LocalStackOutputs } from '@event-photos/local-stack';
import { jpegBytes } from '@event-photos/testing/fixtures';
import type { LoadMode } from './load.ts';
import { idTokenOf } from './sign-in.ts';
import { raiseQuotas, uploadThroughApi } from './upload.ts';

const [outputsFile, photosArg = '400', concurrencyArg = '16', bytesArg = String(64 * 1024), declareArg = 'declare', modeArg = 'flood'] =
  process.argv.slice(2);
const declareSha256 = declareArg === 'declare';
if (modeArg !== 'flood' && modeArg !== 'uploader') throw new Error(`mode: flood or uploader, not ${modeArg}`);
const mode: LoadMode = modeArg;
const outputs = JSON.parse(await readFile(outputsFile!, 'utf8')) as LocalStackOutputs;
const photos = Number(photosArg);
const concurrency = Number(concurrencyArg);
const idToken = await idTokenOf(outputs, 'attendee');
await raiseQuotas(outputs.apiUrl, await idTokenOf(outputs, 'organizer'), outputs.demoEventId);
const body = jpegBytes(Number(bytesArg));
/** Upload n's bytes: the same random body with n written into it (the same bytes twice would be a duplicate). */
const bytesOf = (n: number) => {
  const bytes = Buffer.from(body);
  bytes.writeUInt32BE(n, 16);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Uint8Array<ArrayBuffer>;
};

const acknowledged = new Map<string, number>(); // photoId -> when its PUT answered 200 (epoch ms)
const cpuAtStart = process.cpuUsage();
const startedAt = Date.now();
if (mode === 'flood') {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < photos) {
        const n = next++;
        const bytes = bytesOf(n);
        const sha256 = declareSha256 ? { sha256: createHash('sha256').update(bytes).digest('hex') } : {};
        const { photoId } = await uploadThroughApi(outputs.apiUrl, idToken, outputs.demoEventId, bytes, { title: `Load ${n}`, ...sha256 });
        acknowledged.set(photoId, Date.now());
      }
    }),
  );
} else {
  // The product's uploader hashes with Web Crypto whenever it exists: `undeclared` cannot apply.
  if (!declareSha256) throw new Error('uploader mode always declares the SHA-256, as @event-photos/client does');
  const client = createPhotosClient({ apiUrl: outputs.apiUrl, getToken: () => idToken, eventId: outputs.demoEventId });
  const files = Array.from({ length: photos }, (_, n) => new File([bytesOf(n)], `load-${n}.jpg`, { type: 'image/jpeg' }));
  const results = await client.uploadPhotos(files, {
    concurrency,
    // 'processing' comes once the PUT is answered: the moment flood mode records too.
    onProgress: ({ state, photoId }) => void (state === 'processing' && photoId && acknowledged.set(photoId, Date.now())),
  });
  const failed = results.filter((result) => result.state !== 'done' || !result.photo);
  if (failed.length > 0)
    throw new Error(`${failed.length} uploads did not end ready, the first: ${failed[0]!.state} ${failed[0]!.message ?? ''}`);
}
const uploadedAt = Date.now();

type Page = { items: Array<{ photoId: string; createdAt: string }>; nextCursor: string | null; feedCursor: string | null };
const listPage = async (query: Record<string, string>): Promise<Page> => {
  const response = await fetch(
    `${outputs.apiUrl}/events/${outputs.demoEventId}/photos?${new URLSearchParams({ limit: '100', ...query })}`,
    {
      headers: { authorization: `Bearer ${idToken}` },
    },
  );
  return (await response.json()) as Page;
};

/** Every record of the event, newest ready first, each with the time it became ready; and the first page's feed cursor. */
async function listAll(): Promise<{ records: Page['items']; feedCursor: string }> {
  const first = await listPage({});
  const records = [...first.items];
  for (let cursor = first.nextCursor; cursor; ) {
    const page = await listPage({ cursor });
    records.push(...page.items);
    cursor = page.nextCursor;
  }
  return { records, feedCursor: first.feedCursor! };
}

// Waits as a gallery does, following the event's feed (only what became ready since the last
// answer), not listing everything again each time: the observer's cost stays off the stack. The
// figures come from createdAt, so the polling rate does not change them; one full listing at the
// end gives the counts.
const start = await listAll();
const ready = new Set(start.records.map((record) => record.photoId));
const waiting = () => [...acknowledged.keys()].some((photoId) => !ready.has(photoId));
const deadline = Date.now() + 60_000;
for (let feedCursor = start.feedCursor; waiting() && Date.now() < deadline; ) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (let page: Page | undefined; !page || page.items.length === 100; ) {
    page = await listPage({ since: feedCursor });
    for (const item of page.items) ready.add(item.photoId);
    feedCursor = page.feedCursor!;
  }
}
const { records } = await listAll();
const mine = records.filter((record) => acknowledged.has(record.photoId));
const perPhoto = new Map<string, number>();
for (const record of mine) perPhoto.set(record.photoId, (perPhoto.get(record.photoId) ?? 0) + 1);
const latencies = mine.map((record) => Date.parse(record.createdAt) - acknowledged.get(record.photoId)!).sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? null;
const lastReadyAt = Math.max(uploadedAt, ...mine.map((record) => Date.parse(record.createdAt)));
// The most photos sent but not yet ready at one moment: the queue in front of processing (one clock: the same machine).
const steps = [
  ...[...acknowledged.values()].map((at) => ({ at, change: 1 })),
  ...mine.map((record) => ({ at: Date.parse(record.createdAt), change: -1 })),
].sort((a, b) => a.at - b.at || a.change - b.change);
let awaiting = 0;
let maxAwaitingProcessing = 0;
for (const step of steps) maxAwaitingProcessing = Math.max(maxAwaitingProcessing, (awaiting += step.change));
console.log(
  JSON.stringify({
    photos,
    concurrency,
    mode,
    declaredSha256: declareSha256,
    bytes: body.length,
    seconds: (lastReadyAt - startedAt) / 1000,
    photosPerSecond: mine.length / ((lastReadyAt - startedAt) / 1000),
    putToReadyMs: { p50: quantile(0.5), p95: quantile(0.95), max: latencies.at(-1) ?? null },
    maxAwaitingProcessing,
    lost: [...acknowledged.keys()].filter((photoId) => !perPhoto.has(photoId)).length,
    duplicated: [...perPhoto.values()].filter((count) => count > 1).length,
    clientCpuMs: ((cpu) => (cpu.user + cpu.system) / 1000)(process.cpuUsage(cpuAtStart)),
  }),
);

// The photo library at event scale, over HTTP against the local stack: an event of --photos photos
// (5,000 by default) and the API as a gallery uses it.
//   npx tsx bench/library.ts [--photos 5000] [--runs 5]
// Figures: list page 1 beside page 50, or the last full page of a smaller event (cursor pagination
// should not grow with depth); a search
// that matches 10 photos, all its pages, beside page 1 of the plain list; a batch delete of 100
// beside 100 single DELETEs of 100 other photos. Every figure is a median of --runs rounds.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PhotoRepository, createDocumentClient, createS3Client } from '@event-photos/aws';
import { publishedObjectKey, type Photo } from '@event-photos/core';
import { localResourcesOf, startLocalStack, type LocalStackOutputs } from '@event-photos/local-stack';
import { seedPhoto } from '@event-photos/testing/fixtures';
import { median } from './format.ts';
import { idTokenOf } from './sign-in.ts';

export interface LibraryResult {
  photos: number;
  runs: number;
  pageSize: number;
  page1Ms: number;
  /** Page 50, or the last full page of an event too small for 50. */
  deepPage: number;
  deepPageMs: number;
  search: { matches: number; requests: number; ms: number };
  batchDelete100Ms: number;
  singleDeletes100Ms: number;
  seedSeconds: number;
}

const PAGE_SIZE = 50;
const NEEDLE = 'needle';
const MATCHES = 10;
/** Each round deletes 100 photos in a batch and 100 one by one. */
const DELETES_PER_ROUND = 200;
/**
 * Photos seeded at once: each is three writes in a row (reserve, accept, ready). The local
 * DynamoDB applies writes one at a time, its transactions taking ~10 ms each: beyond a few at once
 * (~17 ms per photo from 4 on, ~22 ms one at a time) more only queue.
 */
const SEED_CONCURRENCY = 8;

/** The smallest event the rounds fit in: the photos they delete, and the search's matches. */
export function minimumLibraryPhotos(runs: number): number {
  return DELETES_PER_ROUND * runs + 2 * MATCHES;
}

/** The fields the bench reads of an answer: a page of photos, or a batch delete's results. */
interface Answer {
  items: unknown[];
  nextCursor: string | null;
  results: Array<{ status: string }>;
}
/** A request to the event's photos through the local gateway, as the attendee: its time and answer. */
type Api = (method: string, pathname: string, body?: unknown) => Promise<{ ms: number; json: Answer }>;

function apiOf(apiUrl: string, idToken: string, eventId: string): Api {
  const photosPath = `/events/${eventId}/photos`;
  return async (method, pathname, body) => {
    const started = performance.now();
    const response = await fetch(`${apiUrl}${photosPath}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${photosPath}${pathname} answered ${response.status}: ${text}`);
    return { ms: performance.now() - started, json: text ? JSON.parse(text) : null };
  };
}

/** Page 1 and the deep page (its cursor found once by paging), each round. */
async function measurePages(api: Api, photos: number, runs: number) {
  const deepPage = Math.min(50, Math.floor(photos / PAGE_SIZE));
  let cursor = '';
  for (let page = 1; page < deepPage; page++)
    cursor = (await api('GET', `?limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ''}`)).json.nextCursor ?? '';
  const page1: number[] = [];
  const deepPages: number[] = [];
  for (let round = 0; round < runs; round++) {
    page1.push((await api('GET', `?limit=${PAGE_SIZE}`)).ms);
    const deep = await api('GET', `?limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ''}`);
    if (deep.json.items.length !== PAGE_SIZE) throw new Error(`page ${deepPage} held ${deep.json.items.length} photos`);
    deepPages.push(deep.ms);
  }
  return { page1Ms: median(page1), deepPage, deepPageMs: median(deepPages) };
}

/** A search, followed to its last page, as a client collecting every match does; each round. */
async function measureSearch(api: Api, runs: number): Promise<LibraryResult['search']> {
  const searches: { ms: number; requests: number }[] = [];
  for (let round = 0; round < runs; round++) {
    let next: string | null = null;
    let ms = 0;
    let requests = 0;
    let matches = 0;
    do {
      const answer = await api('GET', `?limit=${PAGE_SIZE}&q=${NEEDLE.toUpperCase()}${next ? `&cursor=${next}` : ''}`);
      ms += answer.ms;
      requests++;
      matches += answer.json.items.length;
      next = answer.json.nextCursor;
    } while (next);
    if (matches !== MATCHES) throw new Error(`the search found ${matches} photos, not ${MATCHES}`);
    searches.push({ ms, requests });
  }
  return { matches: MATCHES, requests: searches[0]!.requests, ms: median(searches.map((search) => search.ms)) };
}

/** Each round, a batch delete of 100 photos and 100 single DELETEs of 100 others. */
async function measureDeletes(api: Api, deletable: string[], runs: number) {
  const batch: number[] = [];
  const singles: number[] = [];
  for (let round = 0; round < runs; round++) {
    const ids = deletable.splice(0, DELETES_PER_ROUND);
    const { ms, json } = await api('POST', '/batch-delete', { photoIds: ids.slice(0, 100) });
    if (json.results.some((result) => result.status !== 'deleted')) throw new Error('the batch delete did not delete all 100');
    batch.push(ms);
    const started = performance.now();
    for (const photoId of ids.slice(100)) await api('DELETE', `/${photoId}`);
    singles.push(performance.now() - started);
  }
  return { batchDelete100Ms: median(batch), singleDeletes100Ms: median(singles) };
}

/** Starts a fresh stack, seeds one event, measures, stops the stack. */
export async function runLibrary({ photos, runs }: { photos: number; runs: number }): Promise<LibraryResult> {
  if (photos < minimumLibraryPhotos(runs))
    throw new Error(`the library needs at least ${minimumLibraryPhotos(runs)} photos for ${runs} rounds`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-library-'));
  const stack = await startLocalStack({ dataDir, environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    const { outputs } = stack;
    const idToken = await idTokenOf(outputs, 'attendee');
    const uploaderId = (JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
    const seedStarted = performance.now();
    const seeded = await seed(outputs, outputs.demoEventId, uploaderId, photos, DELETES_PER_ROUND * runs);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const api = apiOf(outputs.apiUrl, idToken, outputs.demoEventId);
    return {
      photos,
      runs,
      pageSize: PAGE_SIZE,
      ...(await measurePages(api, photos, runs)),
      search: await measureSearch(api, runs),
      ...(await measureDeletes(api, seeded.deletable, runs)),
      seedSeconds,
    };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Writes the event's photos straight into the local table through the store port (processing them
 * one by one would take minutes and measure something else): each one's upload reserved, the
 * photo accepted and made ready at its createdAt (seedPhoto), SEED_CONCURRENCY at once. MATCHES of
 * them are titled with the needle, spread over the event. The `deletable` ones, the oldest, also
 * get an object, so deletes do their full work.
 */
async function seed(outputs: LocalStackOutputs, eventId: string, uploaderId: string, count: number, deletable: number) {
  const { credentials } = localResourcesOf(outputs);
  const documents = createDocumentClient({ endpoint: outputs.dynamodbEndpoint, region: outputs.region, credentials });
  const s3 = createS3Client({ endpoint: outputs.s3Endpoint, region: outputs.region, credentials, forcePathStyle: true });
  const repository = new PhotoRepository(documents, outputs.tableName);
  const start = Date.now() - count * 1000;
  const photos = Array.from({ length: count }, (_, index): Photo => {
    const photoId = randomUUID();
    // Where processing publishes it: the API signs the URL of each listed photo (lib/cdn-urls.ts), as
    // deployed; the record keeps it unsigned.
    const key = publishedObjectKey(eventId, photoId, 'image/jpeg');
    const needle = index % Math.floor(count / MATCHES) === Math.floor(count / MATCHES / 2);
    return {
      photoId,
      eventId,
      title: needle ? `The ${NEEDLE} ${index}` : `Photo ${index} of the keynote`,
      description: index % 3 === 0 ? 'On stage, with the audience behind; taken from the balcony during the opening talk.' : '',
      contentType: 'image/jpeg',
      size: 250_000,
      sha256: randomUUID().replaceAll('-', '').repeat(2),
      url: `${outputs.cdnBaseUrl}/${key}`,
      uploaderId,
      uploaderName: 'attendee',
      objectKeys: [key],
      createdAt: new Date(start + index * 1000).toISOString(),
    };
  });
  await inPool(photos, SEED_CONCURRENCY, (photo) => seedPhoto(repository, photo));
  const withObjects = photos.filter((photo) => !photo.title.includes(NEEDLE)).slice(0, deletable);
  for (let index = 0; index < withObjects.length; index += 20) {
    await Promise.all(
      withObjects.slice(index, index + 20).map((photo) =>
        s3.send(
          new PutObjectCommand({
            Bucket: outputs.bucketName,
            Key: photo.objectKeys[0]!,
            Body: Buffer.alloc(1024),
            ContentType: 'image/jpeg',
          }),
        ),
      ),
    );
  }
  documents.destroy();
  s3.destroy();
  return { deletable: withObjects.map((photo) => photo.photoId) };
}

/** `work` on every item, at most `concurrency` at a time; rejects with the first failure. */
async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++]!);
      } catch (error) {
        failed = true; // the other workers stop at their next item
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { photos: { type: 'string', default: '5000' }, runs: { type: 'string', default: '5' } } });
  console.log(JSON.stringify(await runLibrary({ photos: Number(values.photos), runs: Number(values.runs) }), null, 2));
}

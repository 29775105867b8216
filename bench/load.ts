// The local stack under load: uploads through the full flow (initiate-upload, presigned PUT, S3
// event, processing) at a fixed concurrency, from a load generator in another process on the same
// machine (bench/load-client.ts).
//   npx tsx bench/load.ts [--photos 400] [--concurrency 16] [--warmup 64] [--undeclared] [--uploader] [--data-root DIR]
// Figures: photos/s from the first initiate to the last record written; PUT-to-ready latency
// (from the PUT's 200 to the record's createdAt, written when processing accepted the object);
// lost (a PUT answered 200 and no record came) and duplicated (two records for one object).
// Two kinds of client (load-client.ts): `flood`, each starting its next upload once its PUT is
// answered, so uploads outrun processing whenever it is slower; `uploader`, @event-photos/client's
// uploadPhotos, whose slots each wait for their photo to be ready, as in the web app.
// A fresh stack first takes a warm-up burst (its figures are the cold ones: every Lambda instance
// starts during it), then the measured run, during which each thread's CPU time is counted; then,
// with the load generator gone, a few more uploads whose DynamoDB requests are counted
// (bench/dynamodb-requests.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT, readServerlessApp, startLocalStack, writeOutputs } from '@event-photos/local-stack';
import { countDynamoDbRequests, type DynamoDbRequests } from './dynamodb-requests.ts';
import { cpuBetween, threadCpu } from './thread-cpu.ts';

export interface LoadResult {
  photos: number;
  concurrency: number;
  mode: LoadMode;
  /** Whether initiate-upload got each file's SHA-256 (as @event-photos/client sends it). */
  declaredSha256: boolean;
  bytes: number;
  seconds: number;
  photosPerSecond: number;
  putToReadyMs: { p50: number | null; p95: number | null; max: number | null };
  /** The most photos whose PUT was answered and whose record was not yet written, at one moment. */
  maxAwaitingProcessing: number;
  lost: number;
  duplicated: number;
  /** The load generator's own CPU time (another process on the same cores). */
  clientCpuMs: number;
}

export interface LoadRun extends LoadResult {
  /** The warm-up burst on the fresh stack: cold starts included. */
  warmup: LoadResult;
  /** CPU ms per photo of the measured run, by part of the stack (bench/thread-cpu.ts), and the client's. */
  cpuMsPerPhoto: Record<string, number>;
  /** Where the stack kept its data (see memoryDataRoot). */
  dataRoot: string;
  /**
   * DynamoDB requests per photo of initiate-upload + processing, by operation, counted over uploads
   * after the measured run (the load generator's own listing left out). Absent in older results.
   */
  dynamodbRequests?: DynamoDbRequests;
}

/** The size of every photo the load uploads. */
const PHOTO_BYTES = 64 * 1024;
const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** See load-client.ts: `flood` does not wait for processing, `uploader` (the product's client) does. */
export type LoadMode = 'flood' | 'uploader';

export interface LoadOptions {
  photos: number;
  concurrency: number;
  mode?: LoadMode;
  /** Photos of the warm-up burst before the measured run. */
  warmup: number;
  declareSha256?: boolean;
  /** Where the stack's data folder is made: by default in memory (see memoryDataRoot). */
  dataRoot?: string;
}

/**
 * tmpfs when the machine has one (/dev/shm), else the temp folder. Each photo creates about ten
 * files (s3rver keeps three per object), and on some disks creating a file is at times slow for
 * reasons of their own: on these machines' ext4 (no journal), for a while after many deletes, it
 * cost ~1.4 ms of CPU in the kernel per file (it skips inodes freed in the last minutes), as much
 * as the rest of a photo's S3 work. The bench measures the stack; it runs one row on disk beside it.
 */
export function memoryDataRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

/** Starts a fresh stack, runs the load generator against it (a warm-up burst, then the measured run), stops the stack. */
export async function runLoad({
  photos,
  concurrency,
  warmup,
  mode = 'flood',
  declareSha256 = true,
  dataRoot = memoryDataRoot(),
}: LoadOptions): Promise<LoadRun> {
  const dataDir = await mkdtemp(path.join(dataRoot, 'event-photos-load-'));
  const stack = await startLocalStack({ dataDir, environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    const outputsFile = path.join(dataDir, 'outputs.json');
    await writeOutputs(outputsFile, stack.outputs);
    const generate = (count: number) =>
      new Promise<LoadResult>((resolve, reject) => {
        const args = [
          CLIENT,
          outputsFile,
          String(count),
          String(concurrency),
          String(PHOTO_BYTES),
          declareSha256 ? 'declare' : 'undeclared',
          mode,
        ];
        const child = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(text.trim().split('\n').at(-1)!) as LoadResult)
            : reject(new Error(`the load generator exited with ${code}`)),
        );
      });
    const cold = await generate(warmup);
    const before = await threadCpu();
    const measured = await generate(photos);
    const parts = { ...cpuBetween(before, await threadCpu()), 'load generator (another process)': measured.clientCpuMs };
    // Thread names are cut at 15 bytes (fn:processUploa): the function's whole name again.
    const functionNames = [...(await readServerlessApp(REPO_ROOT)).functions.keys()];
    const named = (part: string) =>
      part.replace(/^function (.+)$/, (_whole, cut: string) => `function ${functionNames.find((name) => name.startsWith(cut)) ?? cut}`);
    const cpuMsPerPhoto = Object.fromEntries(Object.entries(parts).map(([part, ms]) => [named(part), ms / photos]));
    const dynamodbRequests = await countDynamoDbRequests(stack, { concurrency, bytes: PHOTO_BYTES, declareSha256 });
    return { ...measured, warmup: cold, cpuMsPerPhoto, dataRoot, dynamodbRequests };
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '400' },
      concurrency: { type: 'string', default: '16' },
      warmup: { type: 'string', default: '64' },
      undeclared: { type: 'boolean', default: false },
      uploader: { type: 'boolean', default: false },
      'data-root': { type: 'string', default: memoryDataRoot() },
    },
  });
  const run = {
    photos: Number(values.photos),
    concurrency: Number(values.concurrency),
    warmup: Number(values.warmup),
    mode: values.uploader ? ('uploader' as const) : ('flood' as const),
    declareSha256: !values.undeclared,
    dataRoot: values['data-root'],
  };
  console.log(JSON.stringify(await runLoad(run), null, 2));
}

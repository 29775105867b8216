// Section 5: the local stack under load (bench/load.ts). A fresh stack per row, the client in
// another process, a warm-up burst first. The baseline is one client: the service time without
// queueing. One row keeps the data on disk, the others in memory (see memoryDataRoot).
import os from 'node:os';
import type { DynamoDbRequests } from '../dynamodb-requests.ts';
import { fixed, table } from '../format.ts';
import { memoryDataRoot, runLoad, type LoadOptions, type LoadRun } from '../load.ts';
import type { BenchContext, BenchOptions, ReadmeRow, Section } from '../section.ts';

export interface LoadSectionResult {
  /** Where the rows' data was kept: memory (tmpfs) and disk. */
  memoryDataRoot: string;
  diskDataRoot: string;
  /** The machine's cores: what bounds photos/s when every photo costs CPU. */
  cores: number;
  rows: LoadRun[];
}

/** One client; then --load-concurrency clients, declared and undeclared SHA-256, on disk, and the web app's uploader. */
function loadRows(options: BenchOptions): Array<Omit<LoadOptions, 'warmup'>> {
  const memory = memoryDataRoot();
  const disk = os.tmpdir();
  const many = { photos: options.loadPhotos, concurrency: options.loadConcurrency };
  return [
    { photos: Math.min(50, options.loadPhotos), concurrency: 1, declareSha256: true, dataRoot: memory },
    { ...many, declareSha256: true, dataRoot: memory },
    // Declared: what @event-photos/client sends (S3 verifies the hash); processing reads and hashes every byte either way.
    { ...many, declareSha256: false, dataRoot: memory },
    ...(disk === memory ? [] : [{ ...many, declareSha256: true, dataRoot: disk }]),
    // The web app's uploader: each slot waits for its photo, so uploads never outrun processing.
    { ...many, mode: 'uploader' as const, declareSha256: true, dataRoot: memory },
  ];
}

async function run(context: BenchContext, options: BenchOptions): Promise<LoadSectionResult> {
  const rows: LoadRun[] = [];
  for (const row of loadRows(options)) {
    const sha256 = row.declareSha256 ? 'declared' : 'undeclared';
    context.progress(
      `load: ${row.photos} photos through the full flow at concurrency ${row.concurrency}, client ${row.mode ?? 'flood'}, sha256 ${sha256}, data in ${row.dataRoot}`,
    );
    rows.push(await runLoad({ ...row, warmup: 4 * row.concurrency }));
  }
  return { memoryDataRoot: memoryDataRoot(), diskDataRoot: os.tmpdir(), cores: os.cpus().length, rows };
}

/** A load run's CPU time per photo: every part of the stack and the load generator. */
const totalCpu = (load: LoadRun) => Object.values(load.cpuMsPerPhoto).reduce((total, ms) => total + ms, 0);
const data = (result: LoadSectionResult, load: LoadRun) => (load.dataRoot === result.memoryDataRoot ? 'memory' : 'disk');
/** The row the CPU breakdown is of: --load-concurrency flood clients, declared, in memory. */
const busiest = (result: LoadSectionResult) => result.rows[1] ?? result.rows[0]!;
/** The target for the write path: DynamoDB requests per photo. */
const DYNAMODB_TARGET = 6;
type Counted = Extract<DynamoDbRequests, { perPhoto: unknown }>;
const counted = (load: LoadRun): Counted | undefined =>
  load.dynamodbRequests && 'perPhoto' in load.dynamodbRequests ? load.dynamodbRequests : undefined;
const requestsPerPhoto = (load: LoadRun) => {
  const requests = counted(load);
  return requests ? fixed(requests.total, 1) : '-';
};
/** "BatchGetItem 1, TransactWriteItems 2, …", the most first. */
const byOperation = (requests: Counted) =>
  Object.entries(requests.perPhoto)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([operation, count]) => `${operation} ${fixed(count, count % 1 === 0 ? 0 : 2)}`)
    .join(', ');

function reportDynamoDb(result: LoadSectionResult): string[] {
  const load = busiest(result);
  const requests = counted(load);
  const why = load.dynamodbRequests && 'unavailable' in load.dynamodbRequests ? load.dynamodbRequests.unavailable : 'not in these results';
  if (!requests) return [`   DynamoDB requests per photo: not counted (${why}).`];
  return [
    `   DynamoDB requests per photo of the write path (initiate-upload + processing), counted by the local DynamoDB per`,
    `   X-Amz-Target over ${requests.photos} more uploads after the measured run at concurrency ${load.concurrency} (nothing else running):`,
    `   ${fixed(requests.total, 1)} (target: ${DYNAMODB_TARGET} or fewer): ${byOperation(requests)}.`,
  ];
}

function reportCpu(result: LoadSectionResult): string[] {
  const load = busiest(result);
  return [
    `   Where a photo's CPU goes at concurrency ${load.concurrency} (ms per photo, each thread's time from /proc; the stack`,
    `   names its threads): ${fixed(totalCpu(load), 1)} ms in all, so ${result.cores} cores hold at most ${fixed((result.cores * 1000) / totalCpu(load), 1)} photos/s.`,
    table(
      ['part', 'CPU ms/photo', 'share'],
      Object.entries(load.cpuMsPerPhoto)
        .sort((a, b) => b[1] - a[1])
        .map(([part, ms]) => [part, fixed(ms, 1), `${fixed((100 * ms) / totalCpu(load), 0)}%`]),
    ),
  ];
}

function report(result: LoadSectionResult): string {
  return [
    '5. The local stack under load: uploads through the full flow (initiate-upload, presigned PUT, S3 event,',
    '   processing) from a client in another process, on a fresh stack after a warm-up burst of 4 photos per client',
    '   (cold = that burst, every Lambda instance starting). photos/s = records written per second from the first',
    "   initiate to the last record; PUT->ready = from the PUT's 200 to the record's createdAt. sha256 declared:",
    '   as @event-photos/client uploads (S3 verifies it); processing reads, hashes and decodes every photo either way.',
    '   client flood: each client starts its next upload once its PUT is answered, so uploads outrun processing when',
    "   it is slower; uploader: @event-photos/client's uploadPhotos, as the web app runs it, each slot waiting for its",
    '   photo to be ready (GET photo polled) before the next upload. max awaiting = the most photos sent and not yet',
    '   ready at one moment: the queue in front of processing.',
    `   Data in memory (${result.memoryDataRoot}) but for the disk row (${result.diskDataRoot}): see bench/load.ts on why.`,
    table(
      [
        'concurrency',
        'client',
        'sha256',
        'data',
        'photos',
        'photos/s',
        'cold photos/s',
        'PUT->ready p50 ms',
        'p95 ms',
        'max ms',
        'max awaiting',
        'lost',
        'duplicated',
        'CPU ms/photo',
        'DynamoDB req/photo',
      ],
      result.rows.map((load) => [
        String(load.concurrency),
        load.mode,
        load.declaredSha256 ? 'declared' : 'undeclared',
        data(result, load),
        String(load.photos),
        fixed(load.photosPerSecond, 1),
        fixed(load.warmup.photosPerSecond, 1),
        String(load.putToReadyMs.p50),
        String(load.putToReadyMs.p95),
        String(load.putToReadyMs.max),
        String(load.maxAwaitingProcessing),
        String(load.lost),
        String(load.duplicated),
        fixed(totalCpu(load), 1),
        requestsPerPhoto(load),
      ]),
    ),
    '',
    ...reportCpu(result),
    '',
    ...reportDynamoDb(result),
  ].join('\n');
}

function readme(result: LoadSectionResult): ReadmeRow[] {
  const [one, ...many] = result.rows;
  if (!one) return [];
  const rows = many.map((load) => ({
    what: `load, ${load.concurrency} ${load.mode === 'uploader' ? "clients of the web app's uploader (each waits for its photo)" : 'clients that do not wait for processing ("flood")'}, SHA-256 ${load.declaredSha256 ? 'declared' : 'undeclared'}, data ${data(result, load) === 'memory' ? 'in memory' : 'on disk'}; ${load.photos} photos of 64 KiB`,
    figure: `${fixed(load.photosPerSecond, 1)} photos/s, PUT to ready p50 ${load.putToReadyMs.p50} ms / p95 ${load.putToReadyMs.p95} ms, up to ${load.maxAwaitingProcessing} awaiting processing; ${load.lost} lost, ${load.duplicated} duplicated; ${fixed(totalCpu(load), 1)} ms CPU per photo`,
    baseline: `one client: ${fixed(one.photosPerSecond, 1)} photos/s, p50 ${one.putToReadyMs.p50} ms; this row's warm-up burst (every instance starting): ${fixed(load.warmup.photosPerSecond, 1)} photos/s`,
  }));
  const load = busiest(result);
  const parts = Object.entries(load.cpuMsPerPhoto).sort((a, b) => b[1] - a[1]);
  const requests = counted(load);
  return [
    ...rows,
    {
      what: `CPU per photo at concurrency ${load.concurrency}, by part of the stack (threads' times from /proc)`,
      figure: parts.map(([part, ms]) => `${part} ${fixed(ms, 1)}`).join(', '),
      baseline: `${fixed(totalCpu(load), 1)} ms in all: ${result.cores} cores hold at most ${fixed((result.cores * 1000) / totalCpu(load), 1)} photos/s`,
    },
    ...(requests
      ? [
          {
            what: `DynamoDB requests per photo, initiate-upload + processing (${requests.photos} uploads at concurrency ${load.concurrency}, counted by the local DynamoDB)`,
            figure: `${fixed(requests.total, 1)}: ${byOperation(requests)}`,
            baseline: `the target: ${DYNAMODB_TARGET} or fewer`,
          },
        ]
      : []),
  ];
}

export const load: Section<LoadSectionResult> = { name: 'load', usesHarness: false, run, report, readme };

// npm run bench [-- --runs 5 --share-runs 3 --hash-mib 25 --hash-runs 3 --warmup 1 --load-photos 600 --load-concurrency 16
//                  --library-photos 5000 --renditions-runs 3 --json [file]]
//
// Figures for the Lambda handler bundles, measured offline against the local stack:
//   1. bundle size of each handler, built with the deploy's esbuild options (bench/bundle.ts);
//   2. cold start: a fresh `node` process per run imports the bundle and invokes the handler once
//      with a realistic event; the handler makes real HTTP calls to the emulators (bench/child.mjs);
//      the same at the CPU share Lambda gives each memory size (a cgroup v1 CPU quota, bench/cpu-share.ts),
//      beside the handler bundled naively (no tree shaking), and a memory size per function from
//      those figures (bench/memory-choice.ts);
//   3. processing a max-size upload: process-uploaded-photo on a camera-like JPEG of --hash-mib MiB
//      (the deploy's MAX_UPLOAD_BYTES, 25) and of 5 MiB, which it reads whole, hashes and decodes:
//      time and the child's peak RSS, beside a bare GET of the object and raw in-memory SHA-256;
//      (section 4, an upload with an S3-verified SHA-256 whose body processing skipped, went with
//      that path: processing reads every byte since it decodes the image;)
//   5. the local stack under load (bench/load.ts): photos/s and PUT-to-ready latency, lost and
//      duplicated records, at one client and at --load-concurrency, after a warm-up burst (whose
//      cold figures it reports too), with the CPU time per photo of each part of the stack;
//   6. the photo library at event scale (bench/library.ts): list page 1 beside page 50, a search
//      matching 10 photos, a batch delete of 100 beside 100 single deletes, in an event of
//      --library-photos photos;
//   7. renditions (bench/renditions.ts): the product renderer beside naive ones on 12 and 24 MP
//      photos, at Lambda's CPU shares, the processing function's memory and cost per 1,000 photos,
//      WebP vs AVIF.
// Prints tables and writes everything to .local/bench/latest.json (gitignored), and with --json
// also to the given file. Figures only.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PhotoRepository, createDocumentClient, createS3Client } from '@event-photos/aws';
import { signIn } from '@event-photos/client';
import { REPO_ROOT, startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { claimsOfToken, httpApiEvent, s3Event, type HttpApiEventInput } from '@event-photos/testing';
import { jpegBytes } from '@event-photos/testing/fixtures';
import { DEPLOY_BUILD_OPTIONS, NAIVE_BUILD_OPTIONS, buildBundles, type BundleResult } from './bundle.ts';
import { LAMBDA_MB_PER_VCPU, createCpuGroups, vcpuShare, type CpuGroup, type CpuGroupStats, type CpuGroups } from './cpu-share.ts';
import { fixed, kib, median, medMin, mib, summarize, table } from './format.ts';
import { COLD_BUDGET_MS, COLD_FRACTION, PRICE, RSS_HEADROOM, chooseMemory } from './memory-choice.ts';
import { CHILD_SCRIPT, runChild, type ChildRun } from './spawn-child.ts';
import { memoryDataRoot, runLoad, type LoadRun } from './load.ts';
import { runLibrary } from './library.ts';
import { photoJpegOfSize, renditionsReport, runRenditions } from './renditions.ts';
import { raiseQuotas, uploadThroughApi, type Uploaded } from './upload.ts';

const benchStarted = performance.now();
// Which code the figures are of (read before any of it runs), so a figure quoted elsewhere can name its run.
const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
const commit = { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
const MiB = 1024 * 1024;

// `--json` takes an optional file: parseArgs needs a value, so a bare `--json` gets the default one.
const RESULTS_FILE = path.join(REPO_ROOT, '.local/bench/latest.json');
const argv = process.argv.slice(2);
const jsonAt = argv.indexOf('--json');
if (jsonAt >= 0 && (jsonAt === argv.length - 1 || argv[jsonAt + 1]!.startsWith('--'))) argv.splice(jsonAt + 1, 0, RESULTS_FILE);
const { values: args } = parseArgs({
  args: argv,
  options: {
    runs: { type: 'string', default: '5' },
    'share-runs': { type: 'string', default: '3' },
    json: { type: 'string' },
    'hash-mib': { type: 'string', default: '25' },
    'hash-runs': { type: 'string', default: '3' },
    'load-photos': { type: 'string', default: '600' },
    'load-concurrency': { type: 'string', default: '16' },
    'library-photos': { type: 'string', default: '5000' },
    'renditions-runs': { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
  },
});
const positiveInt = (name: string, value: string, minimum = 1) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new Error(`--${name} must be an integer >= ${minimum}`);
  return parsed;
};
const RUNS = positiveInt('runs', args.runs);
/** Runs at the Lambda CPU shares: each is seconds long, so fewer than RUNS keeps the bench short. */
const SHARE_RUNS = positiveInt('share-runs', args['share-runs'], 0);
const JSON_FILE = args.json === undefined ? undefined : path.resolve(args.json);
const HASH_MIB = positiveInt('hash-mib', args['hash-mib']);
const HASH_RUNS = positiveInt('hash-runs', args['hash-runs']);
const LOAD_PHOTOS = positiveInt('load-photos', args['load-photos']);
const LOAD_CONCURRENCY = positiveInt('load-concurrency', args['load-concurrency']);
const LIBRARY_PHOTOS = positiveInt('library-photos', args['library-photos'], 3000);
const RENDITIONS_RUNS = positiveInt('renditions-runs', args['renditions-runs']);
const WARMUP = positiveInt('warmup', args.warmup, 0);
/** A load run's CPU time per photo, every part of the stack and the load generator. */
const totalCpu = (load: LoadRun) => Object.values(load.cpuMsPerPhoto).reduce((total, ms) => total + ms, 0);
/** The second size of section 3: a phone photo's, beside the largest upload accepted. */
const SMALL_HASH_MIB = 5;
/** The "photo" for the cold-start runs of process-uploaded-photo and get-photo: a typical camera JPEG. */
const PHOTO_BYTES = 3 * MiB;

const SRC = path.join(REPO_ROOT, 'services/photos-api/src');
interface FunctionUnderTest {
  name: string;
  /** Its name in serverless.yml, where its memorySize comes from. */
  serverlessName: string;
  entry: string;
  /** What a successful first invocation answers: an HTTP status, or 'record' for the S3 handler. */
  expected: number | 'record';
}
const FUNCTIONS: FunctionUnderTest[] = [
  { name: 'initiate-upload', serverlessName: 'initiateUpload', entry: `${SRC}/http/initiate-upload.ts`, expected: 201 },
  { name: 'list-photos', serverlessName: 'listPhotos', entry: `${SRC}/http/list-photos.ts`, expected: 200 },
  { name: 'get-photo', serverlessName: 'getPhoto', entry: `${SRC}/http/get-photo.ts`, expected: 200 },
  { name: 'create-event', serverlessName: 'createEvent', entry: `${SRC}/http/create-event.ts`, expected: 201 },
  {
    name: 'process-uploaded-photo',
    serverlessName: 'processUploadedPhoto',
    entry: `${SRC}/s3/process-uploaded-photo.ts`,
    expected: 'record',
  },
];
/** The memory sizes compared at their CPU share, besides each function's own. */
const COMPARED_MEMORY_MB = [256, 512, 1024];
/** Warm invocations per child at a CPU share: single ones vary a lot with the emulators' load. */
const WARM_INVOCATIONS = 3;

// Section 3's objects go through the real flow (initiate-upload, then a PUT to the presigned URL)
// rather than a direct PutObject, so the object, its signed metadata and the pending-upload record
// are exactly what a client leaves behind. Every function gets the deploy's environment, its
// MAX_UPLOAD_BYTES included: --hash-mib cannot go past it (processing would reject the object).
// The stack's own functions log nothing into the tables printed here.

const workDir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-bench-'));
let stack: LocalStack | undefined;
let cpuGroups: CpuGroups | undefined;
let cleanedUp = false;
async function cleanUp(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  if (cpuGroups?.available) await cpuGroups.remove();
  await stack?.stop();
  await rm(workDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

// The emulators serve the children from this process. A full GC here before each child keeps
// this process's garbage collection (it holds the large test objects) out of the measured
// window, and keeps it small when fork() copies it for the next child.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const progress = (line: string) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(1)}s] ${line}\n`);

try {
  await main();
} finally {
  await cleanUp();
}

async function main(): Promise<void> {
  const bundleDir = path.join(workDir, 'bundles');
  const eventDir = path.join(workDir, 'events');
  await mkdir(eventDir, { recursive: true });

  progress('building bundles (deploy and naive) and starting the local stack');
  const entries = Object.fromEntries(FUNCTIONS.map((fn) => [fn.name, fn.entry]));
  const [bundles, naiveBundles, started] = await Promise.all([
    buildBundles(entries, bundleDir),
    buildBundles(entries, path.join(workDir, 'naive-bundles'), NAIVE_BUILD_OPTIONS),
    startLocalStack({ dataDir: path.join(workDir, 'stack'), environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } }),
  ]);
  stack = started;
  const { outputs } = stack;
  /** memorySize per function, as serverless.yml declares it (the runtime's reserved variable). */
  const memoryOf = new Map(
    FUNCTIONS.map((fn) => [fn.name, Number(stack!.functionEnvironment(fn.serverlessName)['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'])]),
  );

  // The children's environment: what the stack gives each function (serverless.yml's environment,
  // endpoints of the emulators), with the deploy's log level. This process's own
  // clients (records, objects) use the same endpoints and credentials.
  const functionEnv = stack.functionEnvironment('processUploadedPhoto');
  const childEnv: NodeJS.ProcessEnv = { ...functionEnv, POWERTOOLS_LOG_LEVEL: 'INFO' };
  Object.assign(process.env, functionEnv);
  const maxUploadBytes = Number(functionEnv['MAX_UPLOAD_BYTES']);
  if (HASH_MIB * MiB > maxUploadBytes)
    throw new Error(`--hash-mib ${HASH_MIB} is over the deploy's MAX_UPLOAD_BYTES (${maxUploadBytes} bytes)`);

  const attendee = outputs.demoUsers.find((user) => user.groups.length === 0)!;
  const organizer = outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
  const tokenOf = async ({ email, password }: { email: string; password: string }) =>
    (
      await signIn({
        cognitoEndpoint: outputs.cognitoEndpoint,
        region: outputs.region,
        userPoolId: outputs.userPoolId,
        clientId: outputs.userPoolClientId,
        email,
        password,
      })
    ).idToken;
  const attendeeToken = await tokenOf(attendee);
  const organizerToken = await tokenOf(organizer);
  await raiseQuotas(outputs.apiUrl, organizerToken, outputs.demoEventId);
  /** An HTTP API event as API Gateway sends it after its JWT authorizer verified `token`. */
  const httpEvent = ({ token, ...input }: HttpApiEventInput & { token: string }) =>
    httpApiEvent({
      ...input,
      headers: {
        authorization: `Bearer ${token}`,
        host: 'abc123.execute-api.us-east-1.amazonaws.com',
        'user-agent': 'Mozilla/5.0 (bench)',
        ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      claims: claimsOfToken(token),
    });

  const repository = new PhotoRepository(createDocumentClient(), outputs.tableName);
  const documents = createDocumentClient();
  // The photo record's key (packages/aws/src/photo-repository.ts): deleting it makes the next
  // S3 event a first delivery again, so every process-uploaded-photo run does the whole work
  // (HeadObject, GET + SHA-256 of every byte, decode and renditions, the writes) rather than the duplicate no-op.
  const forgetPhoto = (photoId: string) =>
    documents.send(
      new DeleteCommand({ TableName: outputs.tableName, Key: { pk: `EVENT#${outputs.demoEventId}`, sk: `PHOTO#${photoId}` } }),
    );

  /** Uploads through the API and waits until the stack's own S3 trigger has processed it. */
  const upload = async (bytes: Uint8Array<ArrayBuffer>, title: string): Promise<Uploaded> => {
    const uploaded = await uploadThroughApi(outputs.apiUrl, attendeeToken, outputs.demoEventId, bytes, { title });
    await stack!.notifications.idle();
    return uploaded;
  };
  const s3EventFor = (uploaded: Uploaded, size: number) =>
    s3Event({ region: outputs.region, bucket: outputs.bucketName, key: uploaded.key, size, eTag: uploaded.etag });

  /** How a child runs: its environment, and at a Lambda CPU share, its group and warm invocations. */
  interface ChildOptions {
    env?: NodeJS.ProcessEnv;
    cpuGroup?: CpuGroup;
    warmEvents?: unknown[];
  }

  /**
   * Runs the S3 handler in a child on an uploaded object and checks the record it wrote; with
   * `warm`, the next invocations process those objects, one each.
   */
  const processInChild = async (
    bundle: BundleResult,
    uploaded: Uploaded,
    size: number,
    sha256: string,
    label: string,
    options: ChildOptions & { warm?: Uploaded[] } = {},
  ) => {
    const { warm = [], ...rest } = options;
    const objects = [uploaded, ...warm];
    for (const object of objects) await forgetPhoto(object.photoId);
    const run = await runHandlerChild(bundle, s3EventFor(uploaded, size), label, {
      ...rest,
      ...(warm.length ? { warmEvents: warm.map((object) => s3EventFor(object, size)) } : {}),
    });
    for (const object of objects) {
      const photo = await repository.getPhoto(outputs.demoEventId, object.photoId);
      if (!photo || photo.sha256 !== (warmSha256.get(object.photoId) ?? sha256) || photo.size !== size) {
        throw new Error(`${label}: process-uploaded-photo did not write the expected record: ${JSON.stringify(photo)}\n${run.output}`);
      }
    }
    return run;
  };

  let eventCounter = 0;
  const writeEvent = async (event: unknown) => {
    const eventFile = path.join(eventDir, `${++eventCounter}.json`);
    await writeFile(eventFile, JSON.stringify(event));
    return eventFile;
  };
  const runHandlerChild = async (
    bundle: BundleResult,
    event: unknown,
    label: string,
    { env = childEnv, cpuGroup, warmEvents }: ChildOptions = {},
  ): Promise<ChildRun> => {
    const memoryMB = cpuGroup?.memoryMB ?? memoryOf.get(bundle.name)!;
    const args = [CHILD_SCRIPT, bundle.file, await writeEvent(event), bundle.name, String(memoryMB)];
    if (warmEvents) args.push(await writeEvent(warmEvents));
    collectGarbage();
    const run = await runChild(args, cpuGroup ? { ...env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB) } : env, cpuGroup);
    if (run.exitCode !== 0 || run.report?.kind !== 'handler') {
      throw new Error(`${label}: the child failed (exit ${run.exitCode}): ${run.report?.error ?? ''}\n${run.output}`);
    }
    if (cpuGroup && run.report.cpuCgroup !== cpuGroup.cgroupPath) {
      throw new Error(`${label}: the child ran in cpu cgroup ${run.report.cpuCgroup}, not ${cpuGroup.cgroupPath}`);
    }
    return run;
  };

  // Objects for the cold-start events: a photo to read, and one to (re)process each run.
  progress('uploading the photos for the cold-start events');
  const photoToGet = await upload(jpegBytes(PHOTO_BYTES), 'Keynote');
  const photoBytes = jpegBytes(PHOTO_BYTES);
  const photoSha256 = createHash('sha256').update(photoBytes).digest('hex');
  const photoToProcess = await upload(photoBytes, 'Opening');
  // The warm invocations at a CPU share process more objects in the same child, a fresh one each.
  // Bytes of their own: the same bytes again would be a duplicate of the event's photo.
  const photosToProcessWarm: Uploaded[] = [];
  const warmSha256 = new Map<string, string>();
  for (let i = 1; i <= WARM_INVOCATIONS; i++) {
    const bytes = jpegBytes(PHOTO_BYTES);
    const uploaded = await upload(bytes, `Opening, take ${i + 1}`);
    warmSha256.set(uploaded.photoId, createHash('sha256').update(bytes).digest('hex'));
    photosToProcessWarm.push(uploaded);
  }

  const eventFor = (fn: FunctionUnderTest, round: number): unknown => {
    const eventId = outputs.demoEventId;
    switch (fn.name) {
      case 'initiate-upload':
        return httpEvent({
          method: 'POST',
          route: '/events/{eventId}/photos/initiate-upload',
          pathParameters: { eventId },
          body: { title: 'Closing keynote', description: 'Main stage, day 2', contentType: 'image/jpeg', size: PHOTO_BYTES },
          token: attendeeToken,
        });
      case 'list-photos':
        return httpEvent({
          method: 'GET',
          route: '/events/{eventId}/photos',
          pathParameters: { eventId },
          queryStringParameters: { limit: '20' },
          token: attendeeToken,
        });
      case 'get-photo':
        return httpEvent({
          method: 'GET',
          route: '/events/{eventId}/photos/{photoId}',
          pathParameters: { eventId, photoId: photoToGet.photoId },
          token: attendeeToken,
        });
      case 'create-event':
        return httpEvent({
          method: 'POST',
          route: '/events',
          body: { eventId: `bench-${round}-${randomBytes(4).toString('hex')}`, name: 'Bench Summit' },
          token: organizerToken,
        });
      default:
        return s3EventFor(photoToProcess, PHOTO_BYTES);
    }
  };

  /**
   * One cold start of fn's `bundle` in a fresh child, its answer checked; `warm` adds WARM_INVOCATIONS
   * more invocations (other events of the same kind) in the same process.
   */
  const coldStart = async (
    fn: FunctionUnderTest,
    bundle: BundleResult,
    label: string,
    round: number,
    options: { cpuGroup?: CpuGroup; warm?: boolean } = {},
  ) => {
    const { cpuGroup, warm = false } = options;
    if (fn.expected === 'record') {
      return processInChild(bundle, photoToProcess, PHOTO_BYTES, photoSha256, label, {
        ...(cpuGroup ? { cpuGroup } : {}),
        ...(warm ? { warm: photosToProcessWarm } : {}),
      });
    }
    const warmEvents = warm ? Array.from({ length: WARM_INVOCATIONS }, () => eventFor(fn, round)) : [];
    const run = await runHandlerChild(bundle, eventFor(fn, round), label, {
      ...(cpuGroup ? { cpuGroup } : {}),
      ...(warm ? { warmEvents } : {}),
    });
    const statuses = [['first', run.report!.statusCode], ...(run.report!.warmStatusCodes ?? []).map((status) => ['warm', status])] as const;
    if (statuses.length !== 1 + warmEvents.length)
      throw new Error(`${label}: ${statuses.length - 1} warm invocations reported, ${warmEvents.length} asked for`);
    for (const [which, status] of statuses) {
      if (status !== fn.expected)
        throw new Error(`${label}: expected status ${fn.expected} from the ${which} invocation, got ${status}: ${run.report!.body}`);
    }
    return run;
  };
  const naiveFullCpu = new Map<string, ChildRun[]>(FUNCTIONS.map((fn) => [fn.name, []]));

  // ---- 2. Cold starts: rounds interleave the functions, so drift hits them all alike.
  type ColdRow = { name: string; runs: ChildRun[]; status: string };
  const cold = new Map<string, ColdRow>();
  const row = (name: string, status: string) => {
    if (!cold.has(name)) cold.set(name, { name, runs: [], status });
    return cold.get(name)!;
  };
  const NODE_E0 = 'node -e 0';
  const BASELINE = 'node child.mjs --baseline';
  for (let round = 1 - WARMUP; round <= RUNS; round++) {
    const measured = round >= 1;
    progress(`cold starts: ${measured ? `run ${round}/${RUNS}` : 'warm-up'}`);
    collectGarbage();
    const bare = await runChild(['-e', '0'], childEnv);
    if (bare.exitCode !== 0) throw new Error(`node -e 0 failed: ${bare.output}`);
    collectGarbage();
    const baseline = await runChild([CHILD_SCRIPT, '--baseline'], childEnv);
    if (baseline.exitCode !== 0 || baseline.report?.kind !== 'baseline') throw new Error(`baseline child failed: ${baseline.output}`);
    if (measured) {
      row(NODE_E0, '-').runs.push(bare);
      row(BASELINE, '-').runs.push(baseline);
    }
    for (const fn of FUNCTIONS) {
      const run = await coldStart(fn, bundles.get(fn.name)!, `${fn.name} run ${round}`, round);
      if (measured) row(fn.name, fn.expected === 'record' ? 'record ok' : String(run.report!.statusCode)).runs.push(run);
      // The naive bundle's full-CPU figures, for section 2b; same rounds, so the same drift.
      const naive = await coldStart(fn, naiveBundles.get(fn.name)!, `${fn.name} (naive) run ${round}`, round);
      if (measured) naiveFullCpu.get(fn.name)!.push(naive);
    }
  }

  // ---- 2b. The same cold starts at the CPU share Lambda gives each memory size: the deploy's
  // bundle at every compared size (with warm invocations, for the memory choice), the naive one
  // at the function's own size, `node -e 0` at each. Rounds interleave sizes and functions.
  const shareSizes = [...new Set([...COMPARED_MEMORY_MB, ...memoryOf.values()])].sort((a, b) => a - b);
  cpuGroups = SHARE_RUNS > 0 ? await createCpuGroups(shareSizes) : { available: false, reason: '--share-runs 0' };
  const shareRuns = new Map<string, ChildRun[]>();
  const shareKey = (what: string, memoryMB: number) => `${what}@${memoryMB}`;
  const pushShare = (what: string, memoryMB: number, run: ChildRun) => {
    if (!shareRuns.has(shareKey(what, memoryMB))) shareRuns.set(shareKey(what, memoryMB), []);
    shareRuns.get(shareKey(what, memoryMB))!.push(run);
  };
  if (cpuGroups.available) {
    for (let round = 1; round <= SHARE_RUNS; round++) {
      for (const memoryMB of shareSizes) {
        const cpuGroup = cpuGroups.groups.get(memoryMB)!;
        progress(`cold starts at ${memoryMB} MB's CPU share (${fixed(vcpuShare(memoryMB), 3)} vCPU): run ${round}/${SHARE_RUNS}`);
        collectGarbage();
        const bare = await runChild(['-e', '0'], childEnv, cpuGroup);
        if (bare.exitCode !== 0) throw new Error(`node -e 0 in ${cpuGroup.dir} failed: ${bare.output}`);
        pushShare(NODE_E0, memoryMB, bare);
        for (const fn of FUNCTIONS) {
          const label = `${fn.name} at ${memoryMB} MB run ${round}`;
          pushShare(fn.name, memoryMB, await coldStart(fn, bundles.get(fn.name)!, label, round, { cpuGroup, warm: true }));
          if (memoryMB === memoryOf.get(fn.name)) {
            pushShare(
              `${fn.name} (naive)`,
              memoryMB,
              await coldStart(fn, naiveBundles.get(fn.name)!, `${fn.name} (naive) at ${memoryMB} MB run ${round}`, round, { cpuGroup }),
            );
          }
        }
      }
    }
  }
  const groupStats: CpuGroupStats[] = cpuGroups.available ? await cpuGroups.stats() : [];
  if (cpuGroups.available) await cpuGroups.remove();

  // ---- 3. Processing a max-size upload: a real photo of the size, read whole, hashed and decoded
  // by process-uploaded-photo, beside raw SHA-256 of the bytes in memory and a bare GET.
  const processBundle = bundles.get('process-uploaded-photo')!;
  const hashSizes = [...new Set([SMALL_HASH_MIB, HASH_MIB])].sort((a, b) => a - b);
  const hashing: Array<{ mib: number; photo: string; runs: ChildRun[]; drains: ChildRun[]; rawMs: number[] }> = [];
  const s3 = createS3Client({ forcePathStyle: true });
  for (const sizeMiB of hashSizes) {
    const size = sizeMiB * MiB;
    progress(`max-size upload: uploading a ${sizeMiB} MiB photo through initiate-upload + presigned PUT`);
    const photo = await photoJpegOfSize(size);
    let bytes: Buffer<ArrayBuffer> | undefined = photo.bytes;
    const rawMs: number[] = [];
    let sha256 = '';
    for (let i = 0; i < HASH_RUNS; i++) {
      const t0 = performance.now();
      sha256 = createHash('sha256').update(bytes).digest('hex');
      rawMs.push(performance.now() - t0);
    }
    const uploaded = await upload(bytes, `Photo of ${sizeMiB} MiB`);
    bytes = undefined; // the parent's copy is not needed while the children run
    // The same object fetched with node:http and discarded: what the emulator chain (SigV4 proxy
    // and s3rver, in this process) serves at, the part of the handler's time that is the read.
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: outputs.bucketName, Key: uploaded.key }), { expiresIn: 3600 });
    const runs: ChildRun[] = [];
    const drains: ChildRun[] = [];
    for (let i = 1; i <= HASH_RUNS; i++) {
      progress(`max-size upload: ${sizeMiB} MiB, run ${i}/${HASH_RUNS}`);
      collectGarbage();
      const drain = await runChild([CHILD_SCRIPT, '--drain', getUrl], childEnv);
      if (drain.exitCode !== 0 || drain.report?.kind !== 'drain' || drain.report.bytes !== size) {
        throw new Error(`GET-only child failed: ${drain.report?.error ?? ''} ${drain.output}`);
      }
      drains.push(drain);
      runs.push(await processInChild(processBundle, uploaded, size, sha256, `max-size ${sizeMiB} MiB run ${i}`));
    }
    hashing.push({ mib: sizeMiB, photo: `${photo.width}x${photo.height}`, runs, drains, rawMs });
  }

  // ---- 5. The local stack under load (bench/load.ts): a fresh stack per row, the client in another
  // process, a warm-up burst first. Its baseline is one client at a time: the service time without
  // any queueing. The last row keeps the data on disk, the others in memory (see memoryDataRoot).
  await stack!.stop();
  stack = undefined;
  const loads: LoadRun[] = [];
  const disk = os.tmpdir();
  const loadRows = [
    { photos: Math.min(50, LOAD_PHOTOS), concurrency: 1, declareSha256: true, dataRoot: memoryDataRoot() },
    { photos: LOAD_PHOTOS, concurrency: LOAD_CONCURRENCY, declareSha256: true, dataRoot: memoryDataRoot() },
    // Declared: what @event-photos/client sends (S3 verifies the hash); processing reads and hashes every byte either way.
    { photos: LOAD_PHOTOS, concurrency: LOAD_CONCURRENCY, declareSha256: false, dataRoot: memoryDataRoot() },
    ...(disk === memoryDataRoot() ? [] : [{ photos: LOAD_PHOTOS, concurrency: LOAD_CONCURRENCY, declareSha256: true, dataRoot: disk }]),
    // The web app's uploader: each slot waits for its photo, so uploads never outrun processing.
    { photos: LOAD_PHOTOS, concurrency: LOAD_CONCURRENCY, mode: 'uploader' as const, declareSha256: true, dataRoot: memoryDataRoot() },
  ];
  for (const row of loadRows) {
    progress(
      `load: ${row.photos} photos through the full flow at concurrency ${row.concurrency}, client ${row.mode ?? 'flood'}, sha256 ${row.declareSha256 ? 'declared' : 'undeclared'}, data in ${row.dataRoot}`,
    );
    loads.push(await runLoad({ ...row, warmup: 4 * row.concurrency }));
  }
  progress(`library: an event of ${LIBRARY_PHOTOS} photos`);
  const library = await runLibrary({ photos: LIBRARY_PHOTOS, runs: RUNS });
  const renditions = await runRenditions({ runs: RENDITIONS_RUNS, progress });

  // ---- Report
  const nodeVersion = process.version;
  const date = new Date().toISOString();
  const out: string[] = [];
  out.push(
    `Handler bench ${date}, commit ${commit.sha.slice(0, 12)}${commit.dirty ? ' (with uncommitted changes)' : ''}`,
    `Node ${nodeVersion} (${process.execPath}), ${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ''}, ${os.platform()} ${os.arch()}`,
    `Runs: ${RUNS} cold-start runs after ${WARMUP} warm-up, ${SHARE_RUNS} at each Lambda CPU share, ${HASH_RUNS} max-size upload runs; figures are median / min unless noted.`,
    '',
    `1. Bundles (esbuild ${(await import('esbuild')).version}: bundle, minify, no sourcemap, node22, esm .mjs, nothing external)`,
  );
  out.push(
    table(
      ['function', 'bytes', 'KiB', 'gzip bytes', 'gzip KiB'],
      FUNCTIONS.map((fn) => {
        const bundle = bundles.get(fn.name)!;
        return [fn.name, String(bundle.bytes), kib(bundle.bytes), String(bundle.gzipBytes), kib(bundle.gzipBytes)];
      }),
    ),
  );

  /** Body bytes the handler read, from its "Photo recorded" log line. */
  const bytesRead = (run: ChildRun) => {
    const line = run.output.split('\n').find((candidate) => candidate.includes('"message":"Photo recorded"'));
    if (!line) throw new Error(`no "Photo recorded" log line in the child's output:\n${run.output}`);
    return (JSON.parse(line) as { bytesRead: number }).bytesRead;
  };
  const bytesReadCell = (runs: ChildRun[]) => [...new Set(runs.map(bytesRead))].join(' | ');

  const ms = (run: ChildRun, pick: (report: NonNullable<ChildRun['report']>) => number | undefined) => {
    const value = run.report ? pick(run.report) : undefined;
    return value === undefined ? [] : [value];
  };
  const series = (runs: ChildRun[], pick: (report: NonNullable<ChildRun['report']>) => number | undefined) =>
    runs.flatMap((run) => ms(run, pick));
  /** The child's own peak RSS (VmHWM) where the OS gives it, else ru_maxrss. */
  const peakBytes = (runs: ChildRun[]) => series(runs, (report) => (report.hwmKiB ?? report.maxRssKiB) * 1024);
  const maxRssBytes = (runs: ChildRun[]) => series(runs, (report) => report.maxRssKiB * 1024);
  const rssNote = [
    "   peak RSS = the child's own high-water mark (Linux VmHWM); ru_maxrss = process.resourceUsage().maxRSS, which on",
    "   Linux also counts the parent's pages forked before exec (the parent holds the emulators and test data).",
  ];
  out.push(
    '',
    '2. Cold start: a fresh node process per run; import the bundle, invoke once against the local stack',
    '   wall = parent, spawn to exit; boot = process start to child script; load = import of the bundle;',
    '   1st invoke = handler(event, context) until settled; start->done = process start to invoke done (child clock)',
    ...rssNote,
  );
  out.push(
    table(
      ['function', 'status', 'wall ms', 'boot ms', 'load ms', '1st invoke ms', 'start->done ms', 'peak RSS MiB', 'ru_maxrss MiB'],
      [...cold.values()].map(({ name, runs, status }) => [
        name,
        status,
        medMin(runs.map((run) => run.wallMs)),
        medMin(series(runs, (report) => report.startedMs)),
        medMin(series(runs, (report) => report.loadMs)),
        medMin(series(runs, (report) => report.invokeMs)),
        medMin(series(runs, (report) => report.doneMs)),
        medMin(peakBytes(runs), mib),
        medMin(maxRssBytes(runs), mib),
      ]),
    ),
  );

  // ---- 2b and 2c: the Lambda CPU shares, the naive bundles, the memory choice.
  const loadAndInvoke = (runs: ChildRun[]) => series(runs, (report) => (report.loadMs ?? 0) + (report.invokeMs ?? 0));
  const startToDone = (runs: ChildRun[]) => series(runs, (report) => report.doneMs);
  const atShare = (what: string, memoryMB: number) => shareRuns.get(shareKey(what, memoryMB)) ?? [];
  const warmSeries = (runs: ChildRun[]) => runs.flatMap((run) => run.report?.warmInvokeMs ?? []);
  out.push(
    '',
    `2b. At Lambda's CPU share: a cgroup v1 cpu quota of memory/${LAMBDA_MB_PER_VCPU} MB of one vCPU per 100 ms period, the child inside`,
    '   from its exec (a /bin/sh writes its pid into cgroup.procs, then execs node). The whole process is held to the share,',
    '   start-up included: Lambda is reported to run INIT with more CPU, so there a cold start may lie between the two columns.',
    `   Beside the deploy bundle, the same handler bundled naively (esbuild treeShaking: false, ignoreAnnotations: true: every`,
    `   module of each imported package, the whole SDK clients). Full CPU: ${RUNS} runs (section 2's rounds); at the share: ${SHARE_RUNS} runs`,
    `   (${SHARE_RUNS < RUNS ? 'fewer, since each takes seconds' : 'as many'}). load+1st = import + first invocation; start->done = process start to first invocation done.`,
  );
  if (!cpuGroups.available) out.push(`   Lambda CPU share columns skipped: ${cpuGroups.reason}.`);
  const shareCell = (runs: ChildRun[], pick: (runs: ChildRun[]) => number[]) =>
    cpuGroups!.available ? medMin(pick(runs), (value) => fixed(value, 0)) : '-';
  out.push(
    table(
      [
        'function',
        'MB',
        'vCPU',
        'KiB',
        'naive KiB',
        'full load+1st',
        'naive',
        'full start->done',
        'naive',
        'share load+1st',
        'naive',
        'share start->done',
        'naive',
      ],
      FUNCTIONS.map((fn) => {
        const memoryMB = memoryOf.get(fn.name)!;
        const deployFull = cold.get(fn.name)!.runs;
        const naiveFull = naiveFullCpu.get(fn.name)!;
        const deployShare = atShare(fn.name, memoryMB);
        const naiveShare = atShare(`${fn.name} (naive)`, memoryMB);
        return [
          fn.name,
          String(memoryMB),
          fixed(vcpuShare(memoryMB), 3),
          kib(bundles.get(fn.name)!.bytes),
          kib(naiveBundles.get(fn.name)!.bytes),
          medMin(loadAndInvoke(deployFull), (value) => fixed(value, 0)),
          medMin(loadAndInvoke(naiveFull), (value) => fixed(value, 0)),
          medMin(startToDone(deployFull), (value) => fixed(value, 0)),
          medMin(startToDone(naiveFull), (value) => fixed(value, 0)),
          shareCell(deployShare, loadAndInvoke),
          shareCell(naiveShare, loadAndInvoke),
          shareCell(deployShare, startToDone),
          shareCell(naiveShare, startToDone),
        ];
      }),
    ),
  );
  const wall = (runs: ChildRun[]) => runs.map((run) => run.wallMs);
  out.push(
    '',
    table(
      ['node -e 0, wall ms', 'full CPU', ...shareSizes.map((memoryMB) => `${memoryMB} MB (${fixed(vcpuShare(memoryMB), 3)} vCPU)`)],
      [
        [
          'spawn to exit',
          medMin(wall(cold.get(NODE_E0)!.runs), (value) => fixed(value, 0)),
          ...shareSizes.map((memoryMB) => shareCell(atShare(NODE_E0, memoryMB), wall)),
        ],
      ],
    ),
  );
  if (groupStats.length) {
    out.push(
      `   quota held the children back: ${groupStats.map((stat) => `${stat.memoryMB} MB (${stat.quotaUs}/${stat.periodUs} us) in ${stat.nrThrottled} of ${stat.nrPeriods} periods, ${fixed(stat.throttledMs / 1000)} s`).join('; ')}`,
    );
  }

  /** The most memory each function was seen to use: every cold start, and for the S3 handler the large objects too. */
  const peakRssMiB = (fn: FunctionUnderTest) =>
    Math.max(
      ...peakBytes([
        ...cold.get(fn.name)!.runs,
        ...naiveFullCpu.get(fn.name)!,
        ...shareSizes.flatMap((memoryMB) => atShare(fn.name, memoryMB)),
      ]),
      ...(fn.expected === 'record' ? peakBytes(hashing.flatMap((entry) => entry.runs)) : []),
    ) / MiB;
  const memoryChoices = cpuGroups.available
    ? FUNCTIONS.map((fn) =>
        chooseMemory({
          name: fn.name,
          configuredMB: memoryOf.get(fn.name)!,
          synchronous: fn.expected !== 'record',
          peakRssMiB: peakRssMiB(fn),
          sizes: COMPARED_MEMORY_MB.map((memoryMB) => ({
            memoryMB,
            coldMs: median(startToDone(atShare(fn.name, memoryMB))),
            warmMs: median(warmSeries(atShare(fn.name, memoryMB))),
          })),
        }),
      )
    : [];
  out.push(
    '',
    `2c. Memory size per function, from the deploy bundle's runs at each CPU share (medians). cold = process start to first`,
    `   invocation done; warm = the ${WARM_INVOCATIONS} invocations after it in the same process, each after a pause (${SHARE_RUNS * WARM_INVOCATIONS} readings).`,
    `   Price: arm64 eu-west-1, $${PRICE.perGbSecond} per GB-s (duration rounded up to 1 ms) + $${PRICE.perMillionRequests} per 1M requests;`,
    `   a cold start is billed in full (INIT is billed since Aug 2025); "1% cold" assumes ${COLD_FRACTION * 100}% of requests are cold.`,
    `   Warm durations are against emulators on this machine: on AWS, network waits make them longer, and dearer at more memory.`,
    `   A size fits if it holds ${RSS_HEADROOM} x the function's peak RSS (any run, any size).`,
    `   Rule: synchronous (HTTP) functions get the smallest size with a cold start within ${COLD_BUDGET_MS} ms (else the fastest);`,
    '   the asynchronous S3 trigger gets the cheapest per request.',
    "   process-uploaded-photo's events here are a 1x1 JPEG padded to 3 MiB (little to render): section 7 chooses its memory from photos.",
  );
  if (!cpuGroups.available) out.push(`   Skipped: no Lambda CPU share figures (${cpuGroups.reason}).`);
  else {
    out.push(
      table(
        ['function', 'MB', 'vCPU', 'cold ms', 'warm ms', '$/1M warm', '$/1M 1% cold', 'fits'],
        memoryChoices.flatMap((choice) =>
          choice.sizes.map((size) => [
            choice.name,
            String(size.memoryMB),
            fixed(vcpuShare(size.memoryMB), 3),
            fixed(size.coldMs, 0),
            fixed(size.warmMs, 0),
            fixed(size.warmPerMillion, 3),
            fixed(size.blendedPerMillion, 3),
            size.fitsMemory ? 'yes' : 'no',
          ]),
        ),
      ),
      '',
      table(
        ['function', 'chosen MB', 'serverless.yml MB', 'peak RSS MiB', 'why'],
        memoryChoices.map((choice) => [
          choice.name,
          String(choice.chosenMB),
          String(choice.configuredMB),
          fixed(peakRssMiB(FUNCTIONS.find((fn) => fn.name === choice.name)!), 0),
          choice.reason,
        ]),
      ),
    );
  }

  out.push(
    '',
    `3. Processing a max-size upload: process-uploaded-photo in a child on a camera-like JPEG (photoJpeg, padded to the byte with`,
    `   comment segments) uploaded via the presigned-URL flow: one invocation (HeadObject, GET of every byte + SHA-256, type check,`,
    `   decode and renditions, the publish copy and rendition PUTs, the records); the deploy's MAX_UPLOAD_BYTES is ${fixed(maxUploadBytes / MiB, 0)} MiB.`,
    "   Beside it: GET-only = a child fetching the same object (presigned URL, node:http) and discarding it (the read's share:",
    '   the S3 emulator serves from this parent process, on the same CPUs); raw sha256 = createHash on the bytes in memory.',
    '   ms as median / min; MiB/s as median / best; child peak RSS as median / min / max.',
    ...rssNote,
  );
  const throughput = (sizeMiB: number, times: number[]) => {
    const s = summarize(times);
    return `${fixed(sizeMiB / (s.median / 1000), 0)} / ${fixed(sizeMiB / (s.min / 1000), 0)}`;
  };
  out.push(
    table(
      [
        'object MiB',
        'photo',
        'handler ms',
        'GET-only ms',
        'GET-only MiB/s',
        'raw sha256 ms',
        'raw sha256 MiB/s',
        'child load ms',
        'child peak RSS MiB',
        'ru_maxrss MiB',
        'bytes read',
      ],
      hashing.map(({ mib: sizeMiB, photo, runs, drains, rawMs }) => {
        const drain = series(drains, (report) => report.drainMs);
        return [
          String(sizeMiB),
          photo,
          medMin(
            series(runs, (report) => report.invokeMs),
            (value) => fixed(value, 0),
          ),
          medMin(drain, (value) => fixed(value, 0)),
          throughput(sizeMiB, drain),
          medMin(rawMs, (value) => fixed(value, 0)),
          throughput(sizeMiB, rawMs),
          medMin(series(runs, (report) => report.loadMs)),
          (() => {
            const rss = summarize(peakBytes(runs));
            return `${mib(rss.median)} / ${mib(rss.min)} / ${mib(rss.max)}`;
          })(),
          medMin(maxRssBytes(runs), mib),
          bytesReadCell(runs),
        ];
      }),
    ),
  );
  out.push(
    '',
    '5. The local stack under load: uploads through the full flow (initiate-upload, presigned PUT, S3 event,',
    '   processing) from a client in another process, on a fresh stack after a warm-up burst of 4 photos per client',
    '   (cold = that burst, every Lambda instance starting). photos/s = records written per second from the first',
    "   initiate to the last record; PUT->ready = from the PUT's 200 to the record's createdAt. sha256 declared:",
    '   as @event-photos/client uploads (S3 verifies it); processing reads, hashes and decodes every photo either way.',
    '   client flood: each client starts its next upload once its PUT is answered, so uploads outrun processing when',
    "   it is slower; uploader: @event-photos/client's uploadPhotos, as the web app runs it, each slot waiting for its",
    '   photo to be ready (GET photo polled) before the next upload. max awaiting = the most photos sent and not yet',
    '   ready at one moment: the queue in front of processing.',
    `   Data in memory (${memoryDataRoot()}) but for the disk row (${disk}): see bench/load.ts on why.`,
  );
  out.push(
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
      ],
      loads.map((load) => [
        String(load.concurrency),
        load.mode,
        load.declaredSha256 ? 'declared' : 'undeclared',
        load.dataRoot === memoryDataRoot() ? 'memory' : 'disk',
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
      ]),
    ),
  );
  const busiest = loads[1]!;
  out.push(
    '',
    `   Where a photo's CPU goes at concurrency ${busiest.concurrency} (ms per photo, each thread's time from /proc; the stack`,
    `   names its threads): ${fixed(totalCpu(busiest), 1)} ms in all, so ${os.cpus().length} cores hold at most ${fixed((os.cpus().length * 1000) / totalCpu(busiest), 1)} photos/s.`,
  );
  out.push(
    table(
      ['part', 'CPU ms/photo', 'share'],
      Object.entries(busiest.cpuMsPerPhoto)
        .sort((a, b) => b[1] - a[1])
        .map(([part, ms]) => [part, fixed(ms, 1), `${fixed((100 * ms) / totalCpu(busiest), 0)}%`]),
    ),
  );
  out.push(
    '',
    `6. The photo library: an event of ${library.photos} photos (seeded into the table in ${fixed(library.seedSeconds, 1)} s), over HTTP`,
    `   through the local gateway and functions; median of ${library.runs} rounds.`,
  );
  out.push(
    table(
      ['request', 'ms', 'beside, same run'],
      [
        [`list page 1 (${library.pageSize} photos)`, fixed(library.page1Ms, 1), ''],
        [`list page 50 (${library.pageSize} photos, by cursor)`, fixed(library.page50Ms, 1), `page 1: ${fixed(library.page1Ms, 1)}`],
        [
          `search q= matching ${library.search.matches}, every page (${library.search.requests} requests)`,
          fixed(library.search.ms, 1),
          `page 1: ${fixed(library.page1Ms, 1)}`,
        ],
        [
          'batch delete of 100 (one request)',
          fixed(library.batchDelete100Ms, 1),
          `100 single DELETEs: ${fixed(library.singleDeletes100Ms, 1)}`,
        ],
      ],
    ),
  );
  out.push('', ...renditionsReport(renditions));
  const totalSeconds = (performance.now() - benchStarted) / 1000;
  out.push('', `Total ${totalSeconds.toFixed(1)} s.`);

  const resultsFiles = [...new Set([RESULTS_FILE, ...(JSON_FILE ? [JSON_FILE] : [])])];
  const shown = (file: string) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
  out.push(`Results (JSON): ${resultsFiles.map(shown).join(', ')}`);
  const strip = (run: ChildRun) => ({
    wallMs: run.wallMs,
    exitCode: run.exitCode,
    ...(run.report ? { report: { ...run.report, body: undefined } } : {}),
  });
  const shareSummary = (runs: ChildRun[]) => ({
    wallMs: summarize(wall(runs)),
    ...(runs[0]?.report?.kind === 'handler'
      ? {
          loadAndFirstInvokeMs: summarize(loadAndInvoke(runs)),
          startToDoneMs: summarize(startToDone(runs)),
          ...(runs[0].report.warmInvokeMs === undefined ? {} : { warmInvokeMs: summarize(warmSeries(runs)) }),
        }
      : {}),
    runs: runs.map(strip),
  });
  const json = {
    date,
    commit,
    node: nodeVersion,
    execPath: process.execPath,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().map((cpu) => cpu.model),
    options: {
      runs: RUNS,
      shareRuns: SHARE_RUNS,
      warmup: WARMUP,
      hashMiB: HASH_MIB,
      hashRuns: HASH_RUNS,
      smallHashMiB: SMALL_HASH_MIB,
      photoBytes: PHOTO_BYTES,
      renditionsRuns: RENDITIONS_RUNS,
    },
    buildOptions: DEPLOY_BUILD_OPTIONS,
    naiveBuildOptions: NAIVE_BUILD_OPTIONS,
    bundles: FUNCTIONS.map((fn) => {
      const { name, bytes, gzipBytes } = bundles.get(fn.name)!;
      const naive = naiveBundles.get(fn.name)!;
      return { name, memoryMB: memoryOf.get(fn.name)!, bytes, gzipBytes, naiveBytes: naive.bytes, naiveGzipBytes: naive.gzipBytes };
    }),
    coldStart: [...cold.values()].map(({ name, runs, status }) => ({
      name,
      status,
      wallMs: summarize(runs.map((run) => run.wallMs)),
      ...(runs[0]?.report
        ? {
            bootMs: summarize(series(runs, (report) => report.startedMs)),
            peakRssKiB: summarize(peakBytes(runs).map((bytes) => bytes / 1024)),
            maxRssKiB: summarize(series(runs, (report) => report.maxRssKiB)),
          }
        : {}),
      ...(runs[0]?.report?.kind === 'handler'
        ? {
            loadMs: summarize(series(runs, (report) => report.loadMs)),
            invokeMs: summarize(series(runs, (report) => report.invokeMs)),
            doneMs: summarize(series(runs, (report) => report.doneMs)),
          }
        : {}),
      runs: runs.map(strip),
    })),
    naiveColdStartFullCpu: FUNCTIONS.map((fn) => ({ name: fn.name, ...shareSummary(naiveFullCpu.get(fn.name)!) })),
    lambdaCpuShare: cpuGroups.available
      ? {
          available: true,
          hierarchy: cpuGroups.hierarchy,
          mbPerVcpu: LAMBDA_MB_PER_VCPU,
          groups: groupStats,
          nodeE0: shareSizes.map((memoryMB) => ({ memoryMB, vcpu: vcpuShare(memoryMB), ...shareSummary(atShare(NODE_E0, memoryMB)) })),
          coldStart: FUNCTIONS.flatMap((fn) =>
            shareSizes.flatMap((memoryMB) =>
              [
                ['deploy', fn.name],
                ['naive', `${fn.name} (naive)`],
              ].flatMap(([bundle, key]) => {
                const runs = atShare(key!, memoryMB);
                return runs.length ? [{ name: fn.name, bundle, memoryMB, vcpu: vcpuShare(memoryMB), ...shareSummary(runs) }] : [];
              }),
            ),
          ),
        }
      : { available: false, reason: cpuGroups.reason },
    memoryChoice: {
      price: PRICE,
      coldFraction: COLD_FRACTION,
      coldBudgetMs: COLD_BUDGET_MS,
      rssHeadroom: RSS_HEADROOM,
      functions: memoryChoices.map((choice) => ({ ...choice, peakRssMiB: peakRssMiB(FUNCTIONS.find((fn) => fn.name === choice.name)!) })),
    },
    maxSizeUpload: hashing.map(({ mib: sizeMiB, photo, runs, drains, rawMs }) => {
      const drain = summarize(series(drains, (report) => report.drainMs));
      return {
        objectMiB: sizeMiB,
        photo,
        maxUploadBytes,
        handlerInvokeMs: summarize(series(runs, (report) => report.invokeMs)),
        getOnlyMs: drain,
        getOnlyMiBps: { median: sizeMiB / (drain.median / 1000), best: sizeMiB / (drain.min / 1000) },
        rawSha256Ms: summarize(rawMs),
        rawSha256MiBps: { median: sizeMiB / (summarize(rawMs).median / 1000), best: sizeMiB / (summarize(rawMs).min / 1000) },
        childPeakRssKiB: summarize(peakBytes(runs).map((bytes) => bytes / 1024)),
        childMaxRssKiB: summarize(series(runs, (report) => report.maxRssKiB)),
        bytesRead: runs.map(bytesRead),
        runs: runs.map(strip),
        getOnlyRuns: drains.map(strip),
      };
    }),
    load: loads,
    library,
    renditions,
    totalSeconds,
  };
  for (const file of resultsFiles) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

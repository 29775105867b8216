// The renditions section of the bench (bench/sections/renditions.ts prints it), and alone:
//   npx tsx bench/renditions.ts [--renditions-runs 3] [--json file]
// What rendering a camera photo costs: a 12 MP (4000x3000) and a 24 MP (6000x4000, EXIF orientation
// 6) JPEG from photoJpeg (noise: it compresses like a photo, and is the hardest case for encoders).
// Every reading is a FRESH child process (bench/render-child.ts, bundled like a Lambda), so its peak
// RSS (VmHWM) is that one run's:
//   a. the product's SharpPhotoRenderer beside two naive renderers that decode per output: with
//      JPEG shrink-on-load, and decoding the whole image each time, at full CPU;
//   b. at Lambda's CPU share (bench/cpu-share.ts; needs root) for the function's own memory and 1024,
//      1280, 1536, 1769 (1 vCPU) and 2048 MB: the product renderer alone, its steps one at a time for
//      the 12 MP photo (where the time goes; at full CPU too), and process-uploaded-photo (the deploy
//      bundle, bench/child.mjs) processing a fresh upload of each photo each run (bench/fresh-uploads.ts)
//      against a local stack of its own: HeadObject, GET + SHA-256, render, the accept transaction,
//      the publish copy, the rendition PUTs, the ready stamp;
//   c. from b, a memory size for processing (the smallest whose 12 MP processing is within
//      READY_WITHIN_MS) and its cost per 1,000 photos (bench/memory-choice.ts's prices and headroom);
//   d. the 1920-wide rendition of the 12 MP photo as WebP (the product's settings, and sharp's default
//      effort 4) and AVIF: encode time, bytes, PSNR, and a verdict computed from them.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, readServerlessApp, startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { photoJpeg } from '@event-photos/testing/fixtures';
import { buildBundles } from './bundle.ts';
import { LAMBDA_MB_PER_VCPU, createCpuGroups, vcpuShare, type CpuGroup, type CpuGroups } from './cpu-share.ts';
import { fixed, median, summarize, whole, type Summary } from './format.ts';
import { freshUploads, type StagedPhoto } from './fresh-uploads.ts';
import { COLD_FRACTION, PRICE, RSS_HEADROOM, costSizes } from './memory-choice.ts';
import { photoJpegOfSize } from './photo-of-size.ts';
import type { CodecReading, RenderReport, StageReading, Variant } from './render-child.ts';
import { idTokenOf } from './sign-in.ts';
import { CHILD_SCRIPT, runChild, type ChildReport } from './spawn-child.ts';

const MiB = 1024 * 1024;
const PHOTOS = [
  { name: '12 MP', width: 4000, height: 3000 },
  { name: '24 MP', width: 6000, height: 4000, orientation: 6 },
] as const;
/** Besides the function's own memory (serverless.yml): the sizes the issue asks about, and two between. */
const COMPARED_MEMORY_MB = [1024, 1280, 1536, LAMBDA_MB_PER_VCPU, 2048];
const VARIANTS: Array<{ variant: Exclude<Variant, 'codecs'>; label: string }> = [
  { variant: 'product', label: 'product: decode once (shrink-on-load), outputs from those pixels' },
  { variant: 'naive', label: 'naive: decode per output from the file (shrink-on-load)' },
  { variant: 'naive-full', label: 'naive: full-size decode per output (no shrink-on-load)' },
];
/**
 * Processing is asynchronous, but the guest waits for the photo to appear: a 12 MP phone photo must
 * be visible to others within 1 s of its PUT (the issue's item 6). Processing's time at a size's
 * share (read, hash, render, the transaction, the writes, the ready stamp, against the local stack)
 * must be within this: the second with a fifth to spare, as for the routes' cold starts
 * (memory-choice.ts's COLD_BUDGET_MS), since two quiet runs differ by about that much.
 */
const READY_WITHIN_MS = 800;
/** The photo that budget is for. */
const READY_PHOTO: (typeof PHOTOS)[number]['name'] = '12 MP';
/** docs/cost-model.md: CloudFront to Europe / North America, first 10 TB ($ per GB), and the views of
 * a photo's 1920w rendition (the lightbox's; its 20 grid views load the 960w). */
const CLOUDFRONT_PER_GB = 0.085;
const VIEWS_OF_1920W = 3;
/** An AVIF encode counts as the same quality as WebP's if its PSNR is at most this much lower. */
const SAME_QUALITY_DB = 0.25;

/** One step of the renderer (render-child.ts's `stages`), over the runs. */
export interface StageFigures {
  stage: string;
  ms: Summary;
  cpuMs: Summary;
}

export interface ShareFigures {
  memoryMB: number;
  vcpu: number;
  photo: string;
  renderMs: Summary;
  renderCpuMs: Summary;
  renderPeakRssMiB: number;
  /** process-uploaded-photo's first invocation, in a fresh process (import excluded). */
  processMs: Summary;
  /** Process start to that invocation done: a cold start. */
  processColdMs: Summary;
  processPeakRssMiB: number;
  /** The 12 MP photo only: the renderer's steps one at a time (absent from results files before them). */
  stages?: StageFigures[];
  /** USD per 1,000 photos: the invocation billed (rounded up to 1 ms) + the request fee, COLD_FRACTION of them cold. */
  perThousand: number;
}

export interface RenditionsResult {
  runs: number;
  photos: Array<{ name: string; width: number; height: number; orientation: number | null; bytes: number }>;
  fullCpu: Array<{
    photo: string;
    variant: string;
    ms: Summary;
    cpuMs: Summary;
    peakRssMiB: Summary;
    baseRssMiB: number;
    outputs: NonNullable<RenderReport['outputs']>;
  }>;
  /** process-uploaded-photo at full CPU: the same work plus the reads and writes, for comparison. */
  processFullCpu: Array<{ photo: string; ms: Summary; peakRssMiB: Summary; bytesRead: number[]; renditions: number[] }>;
  /** The renderer's steps one at a time on READY_PHOTO at full CPU (absent from results files before them). */
  stagesFullCpu?: { photo: string; stages: StageFigures[] };
  cpuShare: { available: true; sizes: ShareFigures[] } | { available: false; reason: string };
  memory: {
    configuredMB: number;
    rule: string;
    peakRssMiB: number;
    rssHeadroom: number;
    price: typeof PRICE;
    coldFraction: number;
    chosenMB: number | null;
    /** The 12 MP processing budget the size was chosen by (absent from results files before it). */
    readyWithinMs?: number;
    reason: string;
    perThousandAtChosen: Record<string, number> | null;
  };
  codecs: { photo: string; width: number; height: number; readings: CodecReading[]; sameQuality: string | null; verdict: string };
  seconds: number;
}

/** One render child: the variant on the image file, at full CPU or in a CPU group. */
async function render(bundle: string, variant: Variant, file: string, runs: number, cpuGroup?: CpuGroup): Promise<RenderReport> {
  const run = await runChild<RenderReport>([bundle, variant, file, String(runs)], { PATH: process.env['PATH'] ?? '' }, cpuGroup);
  if (run.exitCode !== 0 || run.report?.kind !== 'render')
    throw new Error(
      `render child ${variant} ${path.basename(file)} failed (exit ${run.exitCode}): ${run.report?.error ?? ''}\n${run.output}`,
    );
  if (cpuGroup && run.report.cpuCgroup !== cpuGroup.cgroupPath)
    throw new Error(`render child ran in cpu cgroup ${run.report.cpuCgroup}, not ${cpuGroup.cgroupPath}`);
  return run.report;
}

const peakMiB = (report: { hwmKiB: number | null; maxRssKiB?: number }) => (report.hwmKiB ?? report.maxRssKiB ?? 0) / 1024;

/** A processing run: the child's report, and what the photo record it wrote says it did. */
interface Processed {
  report: ChildReport;
  /** The record's size, its SHA-256 (computed by processing: none declared) being that of every byte uploaded. */
  bytesRead: number;
  renditions: number;
}

/** Each photo (and one of the deploy's largest) staged, and a fresh process-uploaded-photo child on a fresh upload of one. */
interface Processor {
  uploads: Array<StagedPhoto & { name: string }>;
  process(i: number, memoryMB: number, cpuGroup?: CpuGroup): Promise<Processed>;
  close(): void;
}

async function processor(stack: LocalStack, workDir: string, processBundle: string, photoBytes: Buffer[]): Promise<Processor> {
  const { outputs } = stack;
  const uploads = await freshUploads(outputs, await idTokenOf(outputs, 'attendee'));
  const functionEnv = uploads.environment({ ...stack.functionEnvironment('processUploadedPhoto'), POWERTOOLS_LOG_LEVEL: 'INFO' });
  // Besides the two photos, one of the deploy's maximum size (MAX_UPLOAD_BYTES): the memory
  // chosen must hold the largest upload processing accepts, not only a typical one.
  const maxUploadBytes = Number(functionEnv['MAX_UPLOAD_BYTES']);
  const largest = await photoJpegOfSize(maxUploadBytes);
  const staged: Processor['uploads'] = [];
  for (const { name, bytes } of [
    ...PHOTOS.map((photo, i) => ({ name: photo.name, bytes: photoBytes[i]! })),
    { name: `max upload (${fixed(maxUploadBytes / MiB, 0)} MiB, ${largest.width}x${largest.height})`, bytes: largest.bytes },
  ])
    staged.push({ ...(await uploads.stage(bytes, `Renditions ${name}`)), name });
  let runs = 0;
  /**
   * Processes a fresh upload of photo `i` in a fresh child, so that every run does the whole work,
   * and checks that it did; the photo is deleted afterwards, so its bytes are no duplicate next time.
   */
  const process = async (i: number, memoryMB: number, cpuGroup?: CpuGroup): Promise<Processed> => {
    const { name } = staged[i]!;
    const label = `process-uploaded-photo ${name} at ${cpuGroup ? `${memoryMB} MB's share` : 'full CPU'}`;
    const upload = await uploads.next(staged[i]!);
    try {
      const eventFile = path.join(workDir, `event-${++runs}.json`);
      await writeFile(eventFile, JSON.stringify(upload.event));
      const env = { ...functionEnv, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB) };
      const run = await runChild([CHILD_SCRIPT, processBundle, eventFile, 'process-uploaded-photo', String(memoryMB)], env, cpuGroup);
      if (run.exitCode !== 0 || run.report?.kind !== 'handler')
        throw new Error(`${label}: the child failed (exit ${run.exitCode}): ${run.report?.error ?? ''}\n${run.output}`);
      if (cpuGroup && run.report.cpuCgroup !== cpuGroup.cgroupPath)
        throw new Error(`${label}: ran in cpu cgroup ${run.report.cpuCgroup}, not ${cpuGroup.cgroupPath}`);
      const photo = await uploads.check(upload, run.output, label);
      if (!photo.renditions?.length)
        throw new Error(`${label}: a photo record without renditions: ${JSON.stringify(photo)}\n${run.output}`);
      return { report: run.report, bytesRead: photo.size, renditions: photo.renditions.length };
    } finally {
      await uploads.release(upload);
    }
  };
  return { uploads: staged, process, close: uploads.close };
}

/** Readings gathered under a key, in the order they came. */
function gathered<Reading>() {
  const readings = new Map<string, Reading[]>();
  return {
    add: (key: string, reading: Reading) => readings.set(key, [...(readings.get(key) ?? []), reading]),
    get: (key: string) => readings.get(key) ?? [],
    all: () => [...readings.values()].flat(),
  };
}
type Gathered<Reading> = ReturnType<typeof gathered<Reading>>;

/** a. Every renderer on each photo at full CPU; rounds interleave photos and variants, so drift hits them all alike. */
async function renderFullCpu(renderBundle: string, files: string[], runs: number, progress: Progress): Promise<Gathered<RenderReport>> {
  const renders = gathered<RenderReport>();
  for (let round = 1; round <= runs; round++) {
    progress(`renditions: full CPU, run ${round}/${runs}`);
    for (const [i, photo] of PHOTOS.entries()) {
      for (const { variant } of VARIANTS) renders.add(`${photo.name} ${variant}`, await render(renderBundle, variant, files[i]!, runs));
      if (photo.name === READY_PHOTO) renders.add(`${photo.name} stages`, await render(renderBundle, 'stages', files[i]!, runs));
    }
  }
  return renders;
}

/** Each step's readings over the runs, in the order the steps ran. */
function stageFigures(reports: RenderReport[]): StageFigures[] {
  const runs = reports.map((report) => report.stages ?? []);
  return (runs[0] ?? []).map(({ stage }) => {
    const readings = runs.flatMap((steps) => steps.filter((step) => step.stage === stage)) as StageReading[];
    return { stage, ms: summarize(readings.map((step) => step.ms)), cpuMs: summarize(readings.map((step) => step.cpuMs)) };
  });
}

/** process-uploaded-photo at full CPU on every upload, the function's own memory in its context. */
async function processFullCpu(processing: Processor, memoryMB: number, runs: number, progress: Progress): Promise<Gathered<Processed>> {
  const processed = gathered<Processed>();
  for (let round = 1; round <= runs; round++) {
    progress(`renditions: process-uploaded-photo at full CPU, run ${round}/${runs}`);
    for (const i of processing.uploads.keys()) processed.add(String(i), await processing.process(i, memoryMB));
  }
  return processed;
}

/** b. At Lambda's CPU shares: the renderer alone, then the whole processing, per size and photo. */
async function atShares(
  {
    renderBundle,
    files,
    processing,
    sizes,
    runs,
    progress,
  }: { renderBundle: string; files: string[]; processing: Processor; sizes: number[]; runs: number; progress: Progress },
  cpuGroups: Extract<CpuGroups, { available: true }>,
) {
  const renders = gathered<RenderReport>();
  const processed = gathered<Processed>();
  for (let round = 1; round <= runs; round++) {
    for (const memoryMB of sizes) {
      progress(`renditions: at ${memoryMB} MB's CPU share (${fixed(vcpuShare(memoryMB), 3)} vCPU), run ${round}/${runs}`);
      const cpuGroup = cpuGroups.groups.get(memoryMB)!;
      for (const [i, photo] of PHOTOS.entries()) {
        renders.add(`${memoryMB} ${i}`, await render(renderBundle, 'product', files[i]!, runs, cpuGroup));
        if (photo.name === READY_PHOTO)
          renders.add(`${memoryMB} ${i} stages`, await render(renderBundle, 'stages', files[i]!, runs, cpuGroup));
        processed.add(`${memoryMB} ${i}`, await processing.process(i, memoryMB, cpuGroup));
      }
    }
  }
  return { renders, processed };
}

/** The figures at each share and photo, costed at the peak RSS of processing. */
function shareFigures(sizes: number[], shares: Awaited<ReturnType<typeof atShares>>, peakRssMiB: number): ShareFigures[] {
  return sizes.flatMap((memoryMB) =>
    PHOTOS.map((photo, i) => {
      const renders = shares.renders.get(`${memoryMB} ${i}`);
      const processes = shares.processed.get(`${memoryMB} ${i}`);
      const processMs = summarize(processes.map((run) => run.report.invokeMs!));
      const processColdMs = summarize(processes.map((run) => run.report.doneMs!));
      // memory-choice.ts's pricing: per million requests, billed ms rounded up, COLD_FRACTION cold.
      const [costed] = costSizes([{ memoryMB, warmMs: processMs.median, coldMs: processColdMs.median }], peakRssMiB);
      return {
        memoryMB,
        vcpu: vcpuShare(memoryMB),
        photo: photo.name,
        renderMs: summarize(renders.map((report) => report.ms!)),
        renderCpuMs: summarize(renders.map((report) => report.cpuMs!)),
        renderPeakRssMiB: Math.max(...renders.map(peakMiB)),
        processMs,
        processColdMs,
        processPeakRssMiB: Math.max(...processes.map((run) => peakMiB(run.report))),
        ...(photo.name === READY_PHOTO && { stages: stageFigures(shares.renders.get(`${memoryMB} ${i} stages`)) }),
        perThousand: costed!.blendedPerMillion / 1000,
      };
    }),
  );
}

/** The full-CPU figures: each renderer on each photo, and processing each upload. */
function fullCpuFigures(renders: Gathered<RenderReport>, processing: Processor, processed: Gathered<Processed>) {
  const fullCpu = PHOTOS.flatMap((photo) =>
    VARIANTS.map(({ variant, label }) => {
      const reports = renders.get(`${photo.name} ${variant}`);
      return {
        photo: photo.name,
        variant: label,
        ms: summarize(reports.map((report) => report.ms!)),
        cpuMs: summarize(reports.map((report) => report.cpuMs!)),
        peakRssMiB: summarize(reports.map(peakMiB)),
        baseRssMiB: median(reports.map((report) => (report.hwmBeforeKiB ?? 0) / 1024)),
        outputs: reports[0]!.outputs!,
      };
    }),
  );
  const processFullCpu = processing.uploads.map(({ name }, i) => {
    const runs = processed.get(String(i));
    return {
      photo: name,
      ms: summarize(runs.map((run) => run.report.invokeMs!)),
      peakRssMiB: summarize(runs.map((run) => peakMiB(run.report))),
      bytesRead: runs.map((run) => run.bytesRead),
      renditions: runs.map((run) => run.renditions),
    };
  });
  return { fullCpu, processFullCpu };
}

/** The photos on disk, the render child and process-uploaded-photo bundled, a local stack started. */
async function prepare(workDir: string) {
  const spec = (await readServerlessApp(REPO_ROOT)).functions.get('processUploadedPhoto')!;
  const photoBytes = await Promise.all(PHOTOS.map((photo) => photoJpeg(photo)));
  const files = PHOTOS.map((photo) => path.join(workDir, `${photo.width}x${photo.height}.jpg`));
  await Promise.all(files.map((file, i) => writeFile(file, photoBytes[i]!)));
  const [bundles, stack] = await Promise.all([
    buildBundles(
      { 'render-child': fileURLToPath(new URL('./render-child.ts', import.meta.url)), 'process-uploaded-photo': spec.file },
      path.join(workDir, 'bundles'),
    ),
    startLocalStack({ dataDir: path.join(workDir, 'stack'), environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } }),
  ]);
  return {
    spec,
    photoBytes,
    files,
    stack,
    renderBundle: bundles.get('render-child')!.file,
    processBundle: bundles.get('process-uploaded-photo')!.file,
  };
}

type Progress = (line: string) => void;

export async function runRenditions({
  runs,
  progress = () => undefined,
  onStop = () => undefined,
}: {
  runs: number;
  progress?: Progress;
  /** Given what must be undone even if the bench is interrupted (the CPU groups). */
  onStop?: (cleanUp: () => Promise<void>) => void;
}): Promise<RenditionsResult> {
  const started = performance.now();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-renditions-'));
  let stack: LocalStack | undefined;
  let cpuGroups: CpuGroups | undefined;
  try {
    progress('renditions: making the photos, building the render child and process-uploaded-photo, starting a local stack');
    const prepared = await prepare(workDir);
    ({ stack } = prepared);
    const { spec, files, renderBundle } = prepared;
    const renders = await renderFullCpu(renderBundle, files, runs, progress);
    const processing = await processor(stack, workDir, prepared.processBundle, prepared.photoBytes);
    const processed = await processFullCpu(processing, spec.memoryMB, runs, progress);
    const sizes = [...new Set([spec.memoryMB, ...COMPARED_MEMORY_MB])].sort((a, b) => a - b);
    cpuGroups = await createCpuGroups(sizes);
    if (cpuGroups.available) onStop(cpuGroups.remove);
    const shares = cpuGroups.available ? await atShares({ renderBundle, files, processing, sizes, runs, progress }, cpuGroups) : undefined;
    if (cpuGroups.available) await cpuGroups.remove();
    // d. WebP vs AVIF for the 12 MP photo's 1920-wide rendition, at full CPU (CPU time is what Lambda bills).
    progress('renditions: WebP vs AVIF for the 1920-wide rendition (AVIF takes tens of seconds per encode)');
    const codecReport = await render(renderBundle, 'codecs', files[0]!, runs);
    processing.close();
    const peakRssMiB = Math.max(...[...processed.all(), ...(shares?.processed.all() ?? [])].map((run) => peakMiB(run.report)));
    const figures = shares ? shareFigures(sizes, shares, peakRssMiB) : [];
    const memory = chooseProcessingMemory(figures, sizes, spec.memoryMB, peakRssMiB, cpuGroups.available ? null : cpuGroups.reason);
    return {
      runs,
      photos: PHOTOS.map((photo, i) => ({
        ...photo,
        orientation: 'orientation' in photo ? photo.orientation : null,
        bytes: prepared.photoBytes[i]!.length,
      })),
      ...fullCpuFigures(renders, processing, processed),
      stagesFullCpu: { photo: READY_PHOTO, stages: stageFigures(renders.get(`${READY_PHOTO} stages`)) },
      cpuShare: cpuGroups.available ? { available: true, sizes: figures } : { available: false, reason: cpuGroups.reason },
      memory,
      codecs: codecVerdict(
        codecReport,
        PHOTOS[0].name,
        memory.chosenMB === null ? 1 : vcpuShare(memory.chosenMB),
        memory.chosenMB,
        spec.timeoutSeconds,
      ),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    if (cpuGroups?.available) await cpuGroups.remove();
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Sizes that hold the peak RSS with RSS_HEADROOM; of those, the smallest whose READY_PHOTO processing
 * (median) is within READY_WITHIN_MS, or else the fastest at it. Its cost beside the cheapest size's.
 */
function chooseProcessingMemory(
  figures: ShareFigures[],
  sizes: number[],
  configuredMB: number,
  peakRssMiB: number,
  unavailable: string | null,
): RenditionsResult['memory'] {
  const rule = `of the sizes holding peak RSS x ${RSS_HEADROOM}, the smallest whose ${READY_PHOTO} processing is within ${READY_WITHIN_MS} ms (visible within 1 s of its PUT, a fifth to spare)`;
  const base = {
    configuredMB,
    rule,
    peakRssMiB,
    rssHeadroom: RSS_HEADROOM,
    price: PRICE,
    coldFraction: COLD_FRACTION,
    readyWithinMs: READY_WITHIN_MS,
  };
  if (unavailable !== null)
    return { ...base, chosenMB: null, reason: `no Lambda CPU share figures (${unavailable})`, perThousandAtChosen: null };
  const bySize = sizes.map((memoryMB) => {
    const rows = figures.filter((row) => row.memoryMB === memoryMB);
    const ready = rows.find((row) => row.photo === READY_PHOTO)!;
    return {
      memoryMB,
      fits: peakRssMiB * RSS_HEADROOM <= memoryMB,
      cost: ready.perThousand,
      ms: ready.processMs.median,
    };
  });
  const eligible = bySize.filter((size) => size.fits);
  if (!eligible.length)
    return {
      ...base,
      chosenMB: null,
      reason: `no compared size holds ${fixed(peakRssMiB, 0)} MiB x ${RSS_HEADROOM}`,
      perThousandAtChosen: null,
    };
  const within = eligible.find((size) => size.ms <= READY_WITHIN_MS);
  const chosen = within ?? eligible.reduce((best, size) => (size.ms < best.ms ? size : best));
  const cheapest = eligible.reduce((best, size) => (size.cost < best.cost ? size : best));
  const smaller = eligible.filter((size) => size.memoryMB < chosen.memoryMB).at(-1);
  const ms = (size: (typeof bySize)[number]) => `${whole(size.ms)} ms`;
  const why = within
    ? `the smallest whose ${READY_PHOTO} processing is within ${READY_WITHIN_MS} ms: ${ms(chosen)}${smaller ? ` (${smaller.memoryMB} MB: ${ms(smaller)})` : ''}`
    : `no size's ${READY_PHOTO} processing is within ${READY_WITHIN_MS} ms: the fastest, ${ms(chosen)}`;
  const cost =
    chosen === cheapest
      ? `the cheapest too ($${fixed(chosen.cost, 4)} per 1,000 ${READY_PHOTO} photos)`
      : `$${fixed(chosen.cost, 4)} per 1,000 ${READY_PHOTO} photos, +${fixed((chosen.cost / cheapest.cost - 1) * 100, 0)}% on the cheapest (${cheapest.memoryMB} MB, $${fixed(cheapest.cost, 4)}, ${ms(cheapest)})`;
  return {
    ...base,
    chosenMB: chosen.memoryMB,
    reason: `${why}; ${cost}; the smallest that holds the peak RSS is ${eligible[0]!.memoryMB} MB`,
    perThousandAtChosen: Object.fromEntries(
      figures.filter((row) => row.memoryMB === chosen.memoryMB).map((row) => [row.photo, row.perThousand]),
    ),
  };
}

/**
 * The AVIF encode of the same quality as WebP's (PSNR within SAME_QUALITY_DB, else the closest),
 * and whether its bytes pay for its encode: the CPU time it adds, billed at Lambda's GB-s price
 * (CPU-bound work at a share up to 1 vCPU is billed cpu-s x 1769/1024 GB), against the CloudFront
 * egress it saves over the VIEWS_OF_1920W views of this rendition.
 */
function codecVerdict(
  { codecs: readings, source }: Pick<RenderReport, 'codecs' | 'source'>,
  photo: string,
  chosenVcpu: number,
  chosenMB: number | null,
  timeoutSeconds: number,
): RenditionsResult['codecs'] {
  if (!readings || !source) throw new Error('the codecs child reported no readings');
  const webp = readings.find((reading) => reading.format === 'webp')!;
  const avifs = readings.filter((reading) => reading.format === 'avif');
  const same = avifs.filter((reading) => reading.psnrDb >= webp.psnrDb - SAME_QUALITY_DB).sort((a, b) => a.bytes - b.bytes)[0];
  const compared = same ?? avifs.reduce((best, reading) => (reading.psnrDb > best.psnrDb ? reading : best));
  const savedBytes = webp.bytes - compared.bytes;
  const extraCpuS = (median(compared.cpuMs) - median(webp.cpuMs)) / 1000;
  const encodeCost = Math.max(0, extraCpuS) * (LAMBDA_MB_PER_VCPU / 1024) * PRICE.perGbSecond;
  const savedPerView = (Math.max(0, savedBytes) / 1024 ** 3) * CLOUDFRONT_PER_GB;
  const breakEvenViews = savedPerView > 0 ? encodeCost / savedPerView : Infinity;
  const pays = savedBytes > 0 && breakEvenViews <= VIEWS_OF_1920W;
  const quality = same
    ? `at the same quality (${compared.name}: PSNR ${fixed(compared.psnrDb, 2)} vs WebP's ${fixed(webp.psnrDb, 2)} dB)`
    : `at its best quality measured (${compared.name}: PSNR ${fixed(compared.psnrDb, 2)} dB, below WebP's ${fixed(webp.psnrDb, 2)})`;
  const size = `${savedBytes >= 0 ? `${fixed((savedBytes / webp.bytes) * 100, 0)}% smaller` : `${fixed((-savedBytes / webp.bytes) * 100, 0)}% larger`} (${fixed(compared.bytes / 1024, 0)} vs ${fixed(webp.bytes / 1024, 0)} KiB)`;
  const extraAtShareS = extraCpuS / Math.min(chosenVcpu, os.cpus().length);
  const timeout = extraAtShareS > timeoutSeconds ? `, over the function's ${timeoutSeconds} s timeout` : '';
  const time = `${fixed(median(compared.cpuMs) / median(webp.cpuMs), 0)}x the encode CPU (+${fixed(extraCpuS, 1)} s; ~${fixed(extraAtShareS, 0)} s more per photo at ${chosenMB ?? LAMBDA_MB_PER_VCPU} MB's share${timeout})`;
  const repay =
    savedPerView > 0
      ? `repaid by the egress saved after ${breakEvenViews < 1e6 ? fixed(breakEvenViews, 0) : '>1M'} views at $${CLOUDFRONT_PER_GB}/GB (the cost model counts ${VIEWS_OF_1920W} of this rendition)`
      : 'and saves no egress';
  const verdict = `${pays ? 'AVIF pays off' : 'AVIF does not pay off'}: ${quality} it is ${size} for ${time}; $${encodeCost.toPrecision(2)} of Lambda time per photo, ${repay}.`;
  return { photo, width: source.width, height: source.height, readings, sameQuality: same?.name ?? null, verdict };
}

// Alone: the bench with its renditions section only, which takes the same flags. In a process of its
// own: the bench imports this module, which cannot wait for the bench while it is the entry module.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const bench = spawnSync(process.execPath, [...process.execArgv, main, '--only', 'renditions', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exitCode = bench.status ?? 1;
}

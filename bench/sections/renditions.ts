// Section 7: renditions (bench/renditions.ts measures them): the product renderer beside naive ones
// on a 12 and a 24 MP photo, the renderer and the real processing at Lambda's CPU shares, a memory
// size for processing and its cost per 1,000 photos, WebP against AVIF.
import { LAMBDA_MB_PER_VCPU } from '../cpu-share.ts';
import { fixed, median, medMin, plural, table, whole, type Summary } from '../format.ts';
import { runRenditions, type RenditionsResult, type StageFigures } from '../renditions.ts';
import type { BenchContext, BenchOptions, ReadmeRow, Section } from '../section.ts';

const MiB = 1024 * 1024;
const ms0 = (summary: Summary) => `${whole(summary.median)} / ${whole(summary.min)}`;

async function run(context: BenchContext, options: BenchOptions): Promise<RenditionsResult> {
  return runRenditions({ runs: options.renditionsRuns, progress: context.progress, onStop: context.onStop });
}

/** An output list: "320 12.3, 960 85, 1920 301, 16x12 230 B" (width and KiB; the placeholder's size and bytes). */
function outputsCell(outputs: RenditionsResult['fullCpu'][number]['outputs']): string {
  const placeholder = outputs.at(-1)!;
  return [
    ...outputs.slice(0, -1).map((output) => `${output.width} ${fixed(output.bytes / 1024, output.bytes < 10240 ? 1 : 0)}`),
    `${placeholder.width}x${placeholder.height} ${placeholder.bytes} B`,
  ].join(', ');
}

function reportFullCpu(result: RenditionsResult): string[] {
  const photos = result.photos.map(
    (photo) =>
      `${photo.name} ${photo.width}x${photo.height}${photo.orientation ? ` (EXIF orientation ${photo.orientation})` : ''} ${fixed(photo.bytes / MiB, 1)} MiB`,
  );
  const base = median(result.fullCpu.map((row) => row.baseRssMiB));
  return [
    `7. Renditions (320/960/1920 WebP q80, effort 4 / 4 / 2, + 16 px placeholder) of camera-like JPEGs (photoJpeg: noise): ${photos.join(', ')}.`,
    `   Each reading is a fresh child process, bundled like a Lambda; ${plural(result.runs, 'run')}, median / min. ms = the work, bytes in memory;`,
    `   CPU ms = user + system over it (CPU ms above ms means more than one core worked); peak RSS = the child's VmHWM (Node + sharp`,
    `   before the image: ${whole(base)} MiB). Naive renderers run their outputs at once; the product, one after another.`,
    '7a. At full CPU:',
    table(
      ['photo', 'renderer', 'ms', 'CPU ms', 'peak RSS MiB', 'outputs: width KiB, placeholder'],
      result.fullCpu.map((row) => [row.photo, row.variant, ms0(row.ms), ms0(row.cpuMs), ms0(row.peakRssMiB), outputsCell(row.outputs)]),
    ),
    '   process-uploaded-photo at full CPU (a child per run on a fresh upload: read, SHA-256, render, accept, writes, ready stamp):',
    ...result.processFullCpu.map(
      (row) =>
        `   ${row.photo}: ${ms0(row.ms)} ms, peak RSS ${whole(row.peakRssMiB.median)} MiB, bytes read ${[...new Set(row.bytesRead)].join(' | ')}, ${[...new Set(row.renditions)].join(' | ')} renditions`,
    ),
  ];
}

function reportShares(result: RenditionsResult): string[] {
  const { price, coldFraction } = result.memory;
  const header = [
    `7b. At Lambda's CPU share (memory/${LAMBDA_MB_PER_VCPU} of a vCPU, cgroup v1 quota). render = the product renderer alone; process =`,
    "   process-uploaded-photo's first invocation in a fresh process (import excluded) on a fresh upload against the local stack;",
    `   cold = process start to that invocation done. $/1,000 photos: arm64, $${price.perGbSecond} per GB-s (ms rounded up) + $${price.perMillionRequests} per 1M`,
    `   requests, the process ms billed, ${coldFraction * 100}% of them cold (billed from process start); list prices, not checked online.`,
  ];
  if (!result.cpuShare.available) return [...header, `   Skipped: ${result.cpuShare.reason}.`];
  return [
    ...header,
    table(
      ['MB', 'vCPU', 'photo', 'render ms', 'render CPU ms', 'process ms', 'cold ms', 'peak RSS MiB render / process', '$ per 1,000'],
      result.cpuShare.sizes.map((row) => [
        String(row.memoryMB),
        fixed(row.vcpu, 3),
        row.photo,
        ms0(row.renderMs),
        ms0(row.renderCpuMs),
        ms0(row.processMs),
        whole(row.processColdMs.median),
        `${whole(row.renderPeakRssMiB)} / ${whole(row.processPeakRssMiB)}`,
        fixed(row.perThousand, 4),
      ]),
    ),
  ];
}

/**
 * Where the time goes: the renderer's steps one at a time (the product streams each resize into its
 * encode, and its whole run is the "render" row), then processing less rendering: the read, the
 * S3 and DynamoDB requests, and the handler's own work.
 */
function reportStages(result: RenditionsResult): string[] {
  const full = result.stagesFullCpu;
  if (!full || !result.cpuShare.available) return [];
  const rows = result.cpuShare.sizes.filter((row) => row.photo === full.photo && row.stages);
  const product = result.fullCpu.find((row) => row.photo === full.photo)!;
  const processFull = result.processFullCpu.find((row) => row.photo === full.photo);
  const sum = (stages: Array<{ ms: Summary }>) => stages.reduce((total, stage) => total + stage.ms.median, 0);
  const column = (ms: (row: (typeof rows)[number]) => number) => rows.map((row) => whole(ms(row)));
  return [
    `7e. Where the ${full.photo} photo's time goes: the renderer's steps one after another in one child (each resize to raw pixels, then`,
    `   its encode), ms median of ${plural(result.runs, 'run')} at full CPU (and its CPU ms) and at each size's share; then the product's render`,
    '   and the whole processing from 7a/7b, and processing less rendering: reading the upload from S3, the DynamoDB reads,',
    '   transaction and ready stamp, the S3 writes, and the handler around them (against the local emulators).',
    table(
      ['step', 'full CPU ms', 'CPU ms', ...rows.map((row) => `${row.memoryMB} MB`)],
      [
        ...full.stages.map((stage) => [
          stage.stage,
          whole(stage.ms.median),
          whole(stage.cpuMs.median),
          ...column((row) => row.stages!.find((step) => step.stage === stage.stage)?.ms.median ?? Number.NaN),
        ]),
        [
          'steps together',
          whole(sum(full.stages)),
          whole(full.stages.reduce((total, stage) => total + stage.cpuMs.median, 0)),
          ...column((row) => sum(row.stages!)),
        ],
        ['render (the product, 7a/7b)', whole(product.ms.median), whole(product.cpuMs.median), ...column((row) => row.renderMs.median)],
        ['processing (7a/7b)', processFull ? whole(processFull.ms.median) : '-', '', ...column((row) => row.processMs.median)],
        [
          'processing less render',
          processFull ? whole(processFull.ms.median - product.ms.median) : '-',
          '',
          ...column((row) => row.processMs.median - row.renderMs.median),
        ],
      ],
    ),
  ];
}

function reportMemory({ memory }: RenditionsResult): string[] {
  const costs = Object.entries(memory.perThousandAtChosen ?? {}).map(([photo, cost]) => `${photo} $${fixed(cost, 4)}`);
  return [
    `7c. Memory for process-uploaded-photo (serverless.yml: ${memory.configuredMB} MB). Peak RSS of processing, any run: ${whole(memory.peakRssMiB)} MiB, x ${memory.rssHeadroom} = ${whole(memory.peakRssMiB * memory.rssHeadroom)} MiB.`,
    `   Rule: ${memory.rule}.`,
    memory.chosenMB === null
      ? `   No choice: ${memory.reason}.`
      : `   Chosen: ${memory.chosenMB} MB: ${memory.reason}. Cost per 1,000 photos there: ${costs.join(', ')}.`,
  ];
}

function reportCodecs({ codecs }: RenditionsResult): string[] {
  const webp = codecs.readings.find((reading) => reading.format === 'webp')!;
  return [
    `7d. The ${codecs.photo} photo's 1920-wide rendition (${codecs.width}x${codecs.height}, the product's decoded pixels) encoded: WebP ${plural(webp.ms.length, 'run')}, AVIF 1`,
    '   (tens of seconds each); full CPU; PSNR of the decoded output against those pixels. Noise is the hardest content for',
    '   both encoders: on real photos both make fewer bytes, faster, and the ratios differ.',
    table(
      ['encoding', 'ms', 'CPU ms', 'KiB', 'vs WebP', 'PSNR dB'],
      codecs.readings.map((reading) => [
        reading.name,
        medMin(reading.ms, whole),
        medMin(reading.cpuMs, whole),
        whole(reading.bytes / 1024),
        `${whole((reading.bytes / webp.bytes) * 100)}%`,
        fixed(reading.psnrDb, 2),
      ]),
    ),
    `   Verdict: ${codecs.verdict}`,
  ];
}

function report(result: RenditionsResult): string {
  const stages = reportStages(result);
  return [
    ...reportFullCpu(result),
    '',
    ...reportShares(result),
    '',
    ...reportMemory(result),
    '',
    ...reportCodecs(result),
    ...(stages.length ? ['', ...stages] : []),
  ].join('\n');
}

function readmeRenders(result: RenditionsResult): ReadmeRow[] {
  const reading = (row: RenditionsResult['fullCpu'][number]) =>
    `${whole(row.ms.median)} ms, ${whole(row.cpuMs.median)} ms CPU, peak RSS ${whole(row.peakRssMiB.median)} MiB`;
  return result.photos.map((photo) => {
    // The product's renderer first, then the naive ones (renditions.ts's VARIANTS).
    const [product, ...naive] = result.fullCpu.filter((row) => row.photo === photo.name);
    return {
      what: `rendering a ${photo.name} photo (${photo.width}x${photo.height}${photo.orientation ? `, EXIF orientation ${photo.orientation}` : ''}) at full CPU, ${product!.variant}`,
      figure: reading(product!),
      baseline: naive.map((row) => `${row.variant}: ${reading(row)}`).join('; '),
    };
  });
}

function readmeProcessing(result: RenditionsResult): ReadmeRow[] {
  if (!result.cpuShare.available) return [];
  const { sizes } = result.cpuShare;
  return result.photos.map((photo) => {
    const rows = sizes.filter((row) => row.photo === photo.name);
    const full = result.processFullCpu.find((row) => row.photo === photo.name);
    return {
      what: `processing a ${photo.name} upload (read, hash, render, writes) at the CPU share of ${rows.map((row) => row.memoryMB).join(' / ')} MB`,
      figure: `${rows.map((row) => fixed(row.processMs.median / 1000, 2)).join(' / ')} s; $ per 1,000 photos ${rows.map((row) => fixed(row.perThousand, 3)).join(' / ')}`,
      baseline: `full CPU: ${full ? fixed(full.ms.median / 1000, 2) : '-'} s; peak RSS up to ${whole(Math.max(...rows.map((row) => row.processPeakRssMiB)))} MiB`,
    };
  });
}

/** Where the 12 MP photo's processing goes at the chosen size's share (else the configured one's), beside full CPU. */
function readmeStages(result: RenditionsResult): ReadmeRow[] {
  const full = result.stagesFullCpu;
  if (!full || !result.cpuShare.available) return [];
  const memoryMB = result.memory.chosenMB ?? result.memory.configuredMB;
  const row = result.cpuShare.sizes.find((size) => size.photo === full.photo && size.memoryMB === memoryMB);
  if (!row?.stages) return [];
  const product = result.fullCpu.find((size) => size.photo === full.photo)!;
  const processFull = result.processFullCpu.find((size) => size.photo === full.photo);
  const steps = (stages: StageFigures[], renderMs: number, processMs: number | undefined) =>
    [
      ...stages.filter((stage) => /^(decode|encode)/.test(stage.stage)).map((stage) => `${stage.stage} ${whole(stage.ms.median)}`),
      `the rest of the steps ${whole(stages.filter((stage) => !/^(decode|encode)/.test(stage.stage)).reduce((sum, stage) => sum + stage.ms.median, 0))}`,
      `processing less render (read, S3 and DynamoDB requests) ${processMs === undefined ? '-' : whole(processMs - renderMs)} ms`,
    ].join(', ');
  return [
    {
      what: `where a ${full.photo} photo's processing goes at ${memoryMB} MB's CPU share (the renderer's steps one at a time)`,
      figure: steps(row.stages, row.renderMs.median, row.processMs.median),
      baseline: `full CPU: ${steps(full.stages, product.ms.median, processFull?.ms.median)}`,
    },
  ];
}

function readme(result: RenditionsResult): ReadmeRow[] {
  const { memory, codecs } = result;
  const webp = codecs.readings.find((reading) => reading.format === 'webp')!;
  const reading = (r: (typeof codecs.readings)[number]) =>
    `${r.name}: ${whole(r.bytes / 1024)} KiB, ${fixed(median(r.cpuMs) / 1000, 2)} s CPU, PSNR ${fixed(r.psnrDb, 2)} dB`;
  return [
    ...readmeRenders(result),
    ...readmeProcessing(result),
    ...readmeStages(result),
    {
      what: `memory for process-uploaded-photo (${memory.rule})`,
      figure: memory.chosenMB === null ? `no choice: ${memory.reason}` : `${memory.chosenMB} MB: ${memory.reason}`,
      baseline: `serverless.yml: ${memory.configuredMB} MB; peak RSS of processing ${whole(memory.peakRssMiB)} MiB x ${memory.rssHeadroom}`,
    },
    ...codecs.readings
      .filter((r) => r.format === 'webp' && r !== webp)
      .map((other) => ({
        what: `the ${codecs.photo} photo's 1920-wide rendition as WebP, the product's settings`,
        figure: reading(webp),
        baseline: reading(other),
      })),
    {
      what: `the ${codecs.photo} photo's 1920-wide rendition as AVIF`,
      figure: `${codecs.readings
        .filter((r) => r.format === 'avif')
        .map(reading)
        .join('; ')}. ${codecs.verdict}`,
      baseline: reading(webp),
    },
  ];
}

export const renditions: Section<RenditionsResult> = { name: 'renditions', usesHarness: false, run, report, readme };

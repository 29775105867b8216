// Section 2's results (bench/sections/cold-starts.ts measures them): what they hold, the printed
// tables 2 (full CPU), 2b (Lambda's CPU shares) and 2c (memory sizes), and the README's rows.
import type { ChildFigures } from '../child-figures.ts';
import { LAMBDA_MB_PER_VCPU, vcpuShare, type CpuGroupStats } from '../cpu-share.ts';
import { fixed, kib, medMinOf, plural, table, whole } from '../format.ts';
import { COLD_BUDGET_MS, type MemoryChoice, type PRICE } from '../memory-choice.ts';
import type { ReadmeRow } from '../section.ts';

export const NODE_E0 = 'node -e 0';
export const BASELINE = 'node child.mjs --baseline';

/** Which child ran: a function's bundle (deploy or naive), or one of the two baselines (bundle null). */
export interface RunKey {
  what: string;
  bundle: 'deploy' | 'naive' | null;
}
export type FullCpuRow = RunKey & { figures: ChildFigures };
export type ShareRow = RunKey & { memoryMB: number; vcpu: number; figures: ChildFigures };

export interface ColdStartsResult {
  runs: number;
  warmup: number;
  shareRuns: number;
  warmInvocations: number;
  photoBytes: number;
  functions: Array<{ name: string; memoryMB: number; synchronous: boolean; bytes: number; naiveBytes: number }>;
  fullCpu: FullCpuRow[];
  cpuShare:
    | { available: true; hierarchy: string; mbPerVcpu: number; sizes: number[]; groups: CpuGroupStats[]; rows: ShareRow[] }
    | { available: false; reason: string };
  memoryChoice: {
    price: typeof PRICE;
    coldFraction: number;
    coldBudgetMs: number;
    rssHeadroom: number;
    functions: Array<MemoryChoice & { peakRssMiB: number }>;
  } | null;
}

/** The full-CPU figures of a child, if it ran. */
export function fullRow(result: Pick<ColdStartsResult, 'fullCpu'>, what: string, bundle: RunKey['bundle']): ChildFigures | undefined {
  return result.fullCpu.find((row) => row.what === what && row.bundle === bundle)?.figures;
}

/** The figures of a child at a CPU share, if it ran there. */
export function shareRow(
  result: Pick<ColdStartsResult, 'cpuShare'>,
  what: string,
  bundle: RunKey['bundle'],
  memoryMB: number,
): ChildFigures | undefined {
  if (!result.cpuShare.available) return undefined;
  return result.cpuShare.rows.find((row) => row.what === what && row.bundle === bundle && row.memoryMB === memoryMB)?.figures;
}

/** The most memory a function was seen to use: any run, any bundle, any share. */
export function peakRssMiB(result: Pick<ColdStartsResult, 'fullCpu' | 'cpuShare'>, name: string): number {
  const rows = [...result.fullCpu, ...(result.cpuShare.available ? result.cpuShare.rows : [])].filter((row) => row.what === name);
  return Math.max(...rows.map((row) => row.figures.peakRssMiB?.max ?? 0));
}

const RSS_NOTE = [
  "   peak RSS = the child's own high-water mark (Linux VmHWM); ru_maxrss = process.resourceUsage().maxRSS, which on",
  "   Linux also counts the parent's pages forked before exec (the parent holds the emulators and test data).",
];

function reportFullCpu(result: ColdStartsResult): string[] {
  return [
    `2. Cold start: a fresh node process per run imports the bundle and invokes it once against the local stack; ${plural(result.runs, 'run')}`,
    `   after ${result.warmup} warm-up, median / min. Every answer is checked (the routes' status, the S3 handler's record).`,
    '   wall = parent, spawn to exit; boot = process start to child script; load = import of the bundle;',
    '   1st invoke = handler(event, context) until settled; start->done = process start to invoke done (child clock)',
    ...RSS_NOTE,
    table(
      ['child', 'wall ms', 'boot ms', 'load ms', '1st invoke ms', 'start->done ms', 'peak RSS MiB', 'ru_maxrss MiB'],
      result.fullCpu
        .filter((row) => row.bundle !== 'naive')
        .map(({ what, figures }) => [
          what,
          medMinOf(figures.wallMs),
          medMinOf(figures.bootMs),
          medMinOf(figures.loadMs),
          medMinOf(figures.invokeMs),
          medMinOf(figures.startToDoneMs),
          medMinOf(figures.peakRssMiB),
          medMinOf(figures.maxRssMiB),
        ]),
    ),
  ];
}

type Reading = (figures: ChildFigures) => ChildFigures['wallMs'] | null;
/** "median / min" whole ms of a child's figures; '-' where it did not run. */
const cell = (figures: ChildFigures | undefined, pick: Reading) => (figures ? medMinOf(pick(figures), whole) : '-');

function reportShares(result: ColdStartsResult): string[] {
  const loadAndFirst: Reading = (figures) => figures.loadAndFirstMs;
  const startToDone: Reading = (figures) => figures.startToDoneMs;
  return [
    `2b. At Lambda's CPU share: a cgroup v1 cpu quota of memory/${LAMBDA_MB_PER_VCPU} MB of one vCPU per 100 ms period, the child inside`,
    '   from its exec (a /bin/sh writes its pid into cgroup.procs, then execs node). The whole process is held to the share,',
    '   start-up included: Lambda is reported to run INIT with more CPU, so there a cold start may lie between the two columns.',
    "   Beside the deploy bundle, the same handler bundled naively. Full CPU: section 2's runs; at the share:",
    `   ${plural(result.shareRuns, 'run')}. load+1st = import + first invocation; start->done = process start to first invocation done.`,
    ...(result.cpuShare.available ? [] : [`   Lambda CPU share columns skipped: ${result.cpuShare.reason}.`]),
    table(
      ['function', 'MB', 'vCPU', 'KiB', 'naive KiB', 'full load+1st', 'naive', 'full start->done', 'naive'].concat([
        'share load+1st',
        'naive',
        'share start->done',
        'naive',
      ]),
      result.functions.map((fn) => {
        const full = [fullRow(result, fn.name, 'deploy'), fullRow(result, fn.name, 'naive')];
        const share = [shareRow(result, fn.name, 'deploy', fn.memoryMB), shareRow(result, fn.name, 'naive', fn.memoryMB)];
        return [fn.name, String(fn.memoryMB), fixed(vcpuShare(fn.memoryMB), 3), kib(fn.bytes), kib(fn.naiveBytes)].concat(
          [loadAndFirst, startToDone].flatMap((pick) => full.map((figures) => cell(figures, pick))),
          [loadAndFirst, startToDone].flatMap((pick) => share.map((figures) => cell(figures, pick))),
        );
      }),
    ),
    '',
    ...reportNodeAtShares(result),
  ];
}

/** `node -e 0` at full CPU and at each share, and how often the quotas held the children back. */
function reportNodeAtShares(result: ColdStartsResult): string[] {
  const { cpuShare } = result;
  const sizes = cpuShare.available ? cpuShare.sizes : [];
  const wall: Reading = (figures) => figures.wallMs;
  const held = cpuShare.available
    ? cpuShare.groups.map(
        (stat) =>
          `${stat.memoryMB} MB (${stat.quotaUs}/${stat.periodUs} us) in ${stat.nrThrottled} of ${stat.nrPeriods} periods, ${fixed(stat.throttledMs / 1000)} s`,
      )
    : [];
  return [
    table(
      [`${NODE_E0}, wall ms`, 'full CPU', ...sizes.map((memoryMB) => `${memoryMB} MB (${fixed(vcpuShare(memoryMB), 3)} vCPU)`)],
      [
        [
          'spawn to exit',
          cell(fullRow(result, NODE_E0, null), wall),
          ...sizes.map((mb) => cell(shareRow(result, NODE_E0, null, mb), wall)),
        ],
      ],
    ),
    ...(held.length ? [`   quota held the children back: ${held.join('; ')}`] : []),
  ];
}

function reportMemory(result: ColdStartsResult): string[] {
  const choice = result.memoryChoice;
  const lines = [
    `2c. Memory size per function, from the deploy bundle's runs at each CPU share (medians). cold = process start to first`,
    `   invocation done; warm = the ${result.warmInvocations} invocations after it in the same process, each after a pause.`,
  ];
  if (!choice) return [...lines, '   Skipped: no Lambda CPU share figures.'];
  return [
    ...lines,
    `   Price: arm64 eu-west-1, $${choice.price.perGbSecond} per GB-s (duration rounded up to 1 ms) + $${choice.price.perMillionRequests} per 1M requests;`,
    `   a cold start is billed in full (INIT is billed since Aug 2025); "1% cold" assumes ${choice.coldFraction * 100}% of requests are cold.`,
    '   Warm durations are against emulators on this machine: on AWS, network waits make them longer, and dearer at more memory.',
    `   A size fits if it holds ${choice.rssHeadroom} x the function's peak RSS (any run, any size, in this section).`,
    `   Rule: synchronous (HTTP) functions get the smallest size with a cold start within ${choice.coldBudgetMs} ms (else the fastest);`,
    '   the asynchronous S3 trigger gets the cheapest per request. Its events here are a 1x1 JPEG padded to 3 MiB (little to',
    '   render): the renditions section chooses its memory from photos.',
    table(
      ['function', 'MB', 'vCPU', 'cold ms', 'warm ms', '$/1M warm', '$/1M 1% cold', 'fits'],
      choice.functions.flatMap((fn) =>
        fn.sizes.map((size) => [
          fn.name,
          String(size.memoryMB),
          fixed(vcpuShare(size.memoryMB), 3),
          whole(size.coldMs),
          whole(size.warmMs),
          fixed(size.warmPerMillion, 3),
          fixed(size.blendedPerMillion, 3),
          size.fitsMemory ? 'yes' : 'no',
        ]),
      ),
    ),
    '',
    table(
      ['function', 'chosen MB', 'serverless.yml MB', 'peak RSS MiB', 'why'],
      choice.functions.map((fn) => [fn.name, String(fn.chosenMB), String(fn.configuredMB), whole(fn.peakRssMiB), fn.reason]),
    ),
  ];
}

export function report(result: ColdStartsResult): string {
  return [...reportFullCpu(result), '', ...reportShares(result), '', ...reportMemory(result)].join('\n');
}

/** Whole ms or MiB; '-' for a figure not measured. */
const value = (figure: number | undefined) => (figure === undefined ? '-' : whole(figure));
const startToDone = (figures: ChildFigures | undefined) => figures?.startToDoneMs?.median;
const wall = (figures: ChildFigures | undefined) => figures?.wallMs.median;
type Fn = ColdStartsResult['functions'][number];

/** "name figure, name figure, ... unit" over the functions. */
function perFunction(result: ColdStartsResult, figure: (fn: Fn) => number | undefined, unit: string): string {
  return `${result.functions.map((fn) => `${fn.name} ${value(figure(fn))}`).join(', ')} ${unit}`;
}

function readmeFullCpu(result: ColdStartsResult): ReadmeRow[] {
  return [
    {
      what: 'cold start at full CPU: process start to first invocation done (median)',
      figure: perFunction(result, (fn) => startToDone(fullRow(result, fn.name, 'deploy')), 'ms'),
      baseline: `\`${NODE_E0}\` ${value(wall(fullRow(result, NODE_E0, null)))} ms; naive bundles: ${perFunction(result, (fn) => startToDone(fullRow(result, fn.name, 'naive')), 'ms')}`,
    },
    {
      what: "peak RSS at cold start (the child's VmHWM, median)",
      figure: perFunction(result, (fn) => fullRow(result, fn.name, 'deploy')?.peakRssMiB?.median, 'MiB'),
      baseline: `\`child.mjs --baseline\` (Node and the measuring script): ${value(fullRow(result, BASELINE, null)?.peakRssMiB?.median)} MiB`,
    },
  ];
}

function readmeShares(result: ColdStartsResult): ReadmeRow[] {
  if (!result.cpuShare.available)
    return [{ what: "cold start at Lambda's CPU share", figure: 'not measured', baseline: result.cpuShare.reason }];
  const own = (fn: Fn, bundle: RunKey['bundle']) => startToDone(shareRow(result, fn.name, bundle, fn.memoryMB));
  const memory = result.functions.map((fn) => `${fn.name} ${fn.memoryMB} MB`).join(', ');
  const ownMemory = (fn: Fn) => `${fn.name} (${fn.memoryMB} MB)`;
  const nodeE0 = [...new Set(result.functions.map((fn) => fn.memoryMB))].map(
    (memoryMB) => `\`${NODE_E0}\` at ${memoryMB} MB ${value(wall(shareRow(result, NODE_E0, null, memoryMB)))} ms`,
  );
  return [
    {
      what: `cold start at the CPU share of the function's memory in serverless.yml (memory/${LAMBDA_MB_PER_VCPU} of a vCPU)`,
      figure: `${result.functions.map((fn) => `${ownMemory(fn)} ${value(own(fn, 'deploy'))}`).join(', ')} ms`,
      baseline: `${nodeE0.join(', ')}; naive bundles: ${perFunction(result, (fn) => own(fn, 'naive'), 'ms')}`,
    },
    {
      what: `memory size by the bench's rule (routes: the smallest with a cold start within ${COLD_BUDGET_MS} ms; the S3 trigger: the cheapest)`,
      figure: (result.memoryChoice?.functions ?? []).map((fn) => `${fn.name} ${fn.chosenMB} MB`).join(', '),
      baseline: `serverless.yml: ${memory}`,
    },
  ];
}

export function readme(result: ColdStartsResult): ReadmeRow[] {
  return [...readmeFullCpu(result), ...readmeShares(result)];
}

// Section 2: cold starts. A fresh `node` process per run imports a handler bundle and invokes it
// once with a realistic event, against the local stack (bench/child.mjs), beside a bare `node -e 0`
// and the same handler bundled naively; then the same at the CPU share Lambda gives each memory
// size (a cgroup v1 CPU quota, bench/cpu-share.ts), and a memory size per function from those
// figures (bench/memory-choice.ts). Rounds interleave the functions, so drift hits them all alike.
import { childFigures } from '../child-figures.ts';
import { coldStarter, PHOTO_BYTES, WARM_INVOCATIONS, type ColdStart } from '../cold-start.ts';
import { LAMBDA_MB_PER_VCPU, createCpuGroups, vcpuShare } from '../cpu-share.ts';
import { FUNCTIONS, bundleOf, type HandlerBundles } from '../functions.ts';
import { collectGarbage } from '../harness.ts';
import { COLD_BUDGET_MS, COLD_FRACTION, PRICE, RSS_HEADROOM, chooseMemory } from '../memory-choice.ts';
import type { BenchContext, BenchOptions, Section } from '../section.ts';
import { CHILD_SCRIPT, runChild, type ChildRun } from '../spawn-child.ts';
import {
  BASELINE,
  NODE_E0,
  peakRssMiB,
  readme,
  report,
  shareRow,
  type ColdStartsResult,
  type FullCpuRow,
  type RunKey,
  type ShareRow,
} from './cold-starts-report.ts';

/** The memory sizes compared at their CPU share, besides each function's own. */
const COMPARED_MEMORY_MB = [256, 512, 1024];

/** Child runs gathered under their key. */
function collector<Key extends RunKey>() {
  const sets = new Map<string, Key & { runs: ChildRun[] }>();
  return {
    add(key: Key, run: ChildRun) {
      const id = JSON.stringify(key);
      if (!sets.has(id)) sets.set(id, { ...key, runs: [] });
      sets.get(id)!.runs.push(run);
    },
    sets: () => [...sets.values()],
  };
}

async function bareChild(args: string[], env: NodeJS.ProcessEnv, cpuGroup?: Parameters<typeof runChild>[2]): Promise<ChildRun> {
  collectGarbage();
  const run = await runChild(args, env, cpuGroup);
  if (run.exitCode !== 0 || (args[0] === CHILD_SCRIPT && run.report?.kind !== 'baseline'))
    throw new Error(`${args.join(' ')} failed: ${run.output}`);
  return run;
}

async function fullCpuRounds(
  context: BenchContext,
  options: BenchOptions,
  coldStart: ColdStart,
  bundles: HandlerBundles,
  env: NodeJS.ProcessEnv,
) {
  const runs = collector<RunKey>();
  for (let round = 1 - options.warmup; round <= options.runs; round++) {
    const measured = round >= 1;
    context.progress(`cold starts: ${measured ? `run ${round}/${options.runs}` : 'warm-up'}`);
    const add = (key: RunKey, run: ChildRun) => {
      if (measured) runs.add(key, run);
    };
    add({ what: NODE_E0, bundle: null }, await bareChild(['-e', '0'], env));
    add({ what: BASELINE, bundle: null }, await bareChild([CHILD_SCRIPT, '--baseline'], env));
    for (const fn of FUNCTIONS) {
      for (const bundle of ['deploy', 'naive'] as const) {
        const label = `${fn.name}${bundle === 'naive' ? ' (naive)' : ''} run ${round}`;
        add({ what: fn.name, bundle }, await coldStart(fn, bundleOf(bundles[bundle], fn.name), label, round));
      }
    }
  }
  return runs.sets().map(({ runs: set, ...key }): FullCpuRow => ({ ...key, figures: childFigures(set) }));
}

/**
 * At the CPU share of each size: the deploy bundle at every size (with warm invocations, for the
 * memory choice), the naive one at the function's own size, `node -e 0` at each.
 */
async function shareRounds(
  context: BenchContext,
  options: BenchOptions,
  coldStart: ColdStart,
  bundles: HandlerBundles,
  env: NodeJS.ProcessEnv,
): Promise<ColdStartsResult['cpuShare']> {
  const sizes = [...new Set([...COMPARED_MEMORY_MB, ...FUNCTIONS.map((fn) => fn.memoryMB)])].sort((a, b) => a - b);
  const groups = options.shareRuns > 0 ? await createCpuGroups(sizes) : { available: false as const, reason: '--share-runs 0' };
  if (!groups.available) return groups;
  context.onStop(groups.remove);
  const runs = collector<RunKey & { memoryMB: number }>();
  for (let round = 1; round <= options.shareRuns; round++) {
    for (const memoryMB of sizes) {
      const cpuGroup = groups.groups.get(memoryMB)!;
      context.progress(
        `cold starts at ${memoryMB} MB's CPU share (${vcpuShare(memoryMB).toFixed(3)} vCPU): run ${round}/${options.shareRuns}`,
      );
      runs.add({ what: NODE_E0, bundle: null, memoryMB }, await bareChild(['-e', '0'], env, cpuGroup));
      for (const fn of FUNCTIONS) {
        const label = `${fn.name} at ${memoryMB} MB run ${round}`;
        runs.add(
          { what: fn.name, bundle: 'deploy', memoryMB },
          await coldStart(fn, bundleOf(bundles.deploy, fn.name), label, round, { cpuGroup, warm: true }),
        );
        if (memoryMB !== fn.memoryMB) continue;
        const naive = await coldStart(fn, bundleOf(bundles.naive, fn.name), `${fn.name} (naive) at ${memoryMB} MB run ${round}`, round, {
          cpuGroup,
        });
        runs.add({ what: fn.name, bundle: 'naive', memoryMB }, naive);
      }
    }
  }
  const stats = await groups.stats();
  await groups.remove();
  const rows = runs
    .sets()
    .map(({ runs: set, ...key }): ShareRow => ({ ...key, vcpu: vcpuShare(key.memoryMB), figures: childFigures(set) }));
  return { available: true, hierarchy: groups.hierarchy, mbPerVcpu: LAMBDA_MB_PER_VCPU, sizes, groups: stats, rows };
}

/** A memory size per function from the deploy bundle's figures at each compared share (medians). */
function memoryChoices(result: Omit<ColdStartsResult, 'memoryChoice'>): ColdStartsResult['memoryChoice'] {
  if (!result.cpuShare.available) return null;
  const functions = result.functions.map((fn) => {
    const peak = peakRssMiB(result, fn.name);
    const sizes = COMPARED_MEMORY_MB.map((memoryMB) => {
      const figures = shareRow(result, fn.name, 'deploy', memoryMB)!;
      return { memoryMB, coldMs: figures.startToDoneMs!.median, warmMs: figures.warmMs!.median };
    });
    return {
      ...chooseMemory({ name: fn.name, configuredMB: fn.memoryMB, synchronous: fn.synchronous, peakRssMiB: peak, sizes }),
      peakRssMiB: peak,
    };
  });
  return { price: PRICE, coldFraction: COLD_FRACTION, coldBudgetMs: COLD_BUDGET_MS, rssHeadroom: RSS_HEADROOM, functions };
}

async function run(context: BenchContext, options: BenchOptions): Promise<ColdStartsResult> {
  const [bundles, harness] = await Promise.all([context.bundles(), context.harness()]);
  context.progress('cold starts: uploading the photos of their events');
  const coldStart = await coldStarter(harness);
  const fullCpu = await fullCpuRounds(context, options, coldStart, bundles, harness.childEnv);
  const cpuShare = await shareRounds(context, options, coldStart, bundles, harness.childEnv);
  const functions = FUNCTIONS.map((fn) => ({
    name: fn.name,
    memoryMB: fn.memoryMB,
    synchronous: fn.expected !== 'record',
    bytes: bundleOf(bundles.deploy, fn.name).bytes,
    naiveBytes: bundleOf(bundles.naive, fn.name).bytes,
  }));
  const figures = { runs: options.runs, warmup: options.warmup, shareRuns: options.shareRuns, warmInvocations: WARM_INVOCATIONS };
  const result = { ...figures, photoBytes: PHOTO_BYTES, functions, fullCpu, cpuShare };
  return { ...result, memoryChoice: memoryChoices(result) };
}

export const coldStarts: Section<ColdStartsResult> = { name: 'cold-starts', usesHarness: true, run, report, readme };

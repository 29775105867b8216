// The context the sections of one bench run share: progress lines, a work folder, the handler
// bundles and the harness's stack (each made once, on first use), and what to clean up at the end.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildHandlerBundles, type HandlerBundles } from './functions.ts';
import { startHarness, type Harness } from './harness.ts';
import type { BenchContext } from './section.ts';

export interface RunContext extends BenchContext {
  /** Stops the harness's stack, if it was started; a later harness() starts a fresh one. */
  stopHarness(): Promise<void>;
  /** Runs every onStop clean-up (the last registered first), stops the harness, removes the work folder. */
  stop(): Promise<void>;
}

export async function createContext(started = performance.now()): Promise<RunContext> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-bench-'));
  const cleanUps: Array<() => Promise<void>> = [];
  let bundles: Promise<HandlerBundles> | undefined;
  let harness: Promise<Harness> | undefined;
  const stopHarness = async () => {
    const stopping = harness;
    harness = undefined;
    // A harness that failed to start has stopped its stack already (startHarness), and its error was thrown to its section.
    if (stopping)
      await stopping.then(
        (started) => started.stop(),
        () => undefined,
      );
  };
  let stopped: Promise<void> | undefined;
  const stopAll = async () => {
    for (const cleanUp of cleanUps.reverse()) await cleanUp().catch((error) => console.error('bench clean-up failed:', error));
    await stopHarness().catch((error) => console.error('stopping the local stack failed:', error));
    await rm(workDir, { recursive: true, force: true });
  };
  return {
    workDir,
    progress: (line) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
    bundles: () => (bundles ??= buildHandlerBundles(path.join(workDir, 'bundles'))),
    harness: () => (harness ??= startHarness(workDir)),
    onStop: (cleanUp) => void cleanUps.push(cleanUp),
    stopHarness,
    stop: () => (stopped ??= stopAll()),
  };
}

// Figures of a set of child runs (bench/child.mjs's reports), summarised as median / min / max.
import { summarize, summaryOf, type Summary } from './format.ts';
import type { ChildReport, ChildRun } from './spawn-child.ts';

const MiB = 1024 * 1024;

export interface ChildFigures {
  runs: number;
  /** Measured by the parent: spawn() to the child's exit. */
  wallMs: Summary;
  /** Process start to child.mjs running: Node's own start-up. */
  bootMs: Summary | null;
  /** The import of the bundle. */
  loadMs: Summary | null;
  /** The first handler(event, context) call, until its promise settled. */
  invokeMs: Summary | null;
  /** load + first invocation. */
  loadAndFirstMs: Summary | null;
  /** Process start to first invocation done (the child's clock): a cold start; for --baseline, to its report. */
  startToDoneMs: Summary | null;
  /** The invocations after the first in the same process, every one of every run. */
  warmMs: Summary | null;
  /** The child's own peak RSS (Linux VmHWM) where the OS gives it, else ru_maxrss. */
  peakRssMiB: Summary | null;
  /** process.resourceUsage().maxRSS: on Linux it also counts the parent's pages forked before exec. */
  maxRssMiB: Summary | null;
}

/** The readings `pick` finds in the runs' reports (runs without one, or without that reading, give none). */
export function series(runs: ChildRun[], pick: (report: ChildReport) => number | undefined): number[] {
  return runs.flatMap((run) => {
    const value = run.report ? pick(run.report) : undefined;
    return value === undefined ? [] : [value];
  });
}

export function childFigures(runs: ChildRun[]): ChildFigures {
  const handler = (pick: (report: ChildReport) => number | undefined) =>
    summaryOf(series(runs, (report) => (report.kind === 'handler' ? pick(report) : undefined)));
  return {
    runs: runs.length,
    wallMs: summarize(runs.map((run) => run.wallMs)),
    bootMs: summaryOf(series(runs, (report) => report.startedMs)),
    loadMs: handler((report) => report.loadMs),
    invokeMs: handler((report) => report.invokeMs),
    loadAndFirstMs: handler((report) => (report.loadMs ?? 0) + (report.invokeMs ?? 0)),
    startToDoneMs: summaryOf(series(runs, (report) => report.doneMs)),
    warmMs: summaryOf(runs.flatMap((run) => run.report?.warmInvokeMs ?? [])),
    peakRssMiB: summaryOf(series(runs, (report) => ((report.hwmKiB ?? report.maxRssKiB) * 1024) / MiB)),
    maxRssMiB: summaryOf(series(runs, (report) => report.maxRssKiB / 1024)),
  };
}

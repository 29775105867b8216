// What every section of the bench is: a module that measures (run), prints (report) and
// summarises for bench/README.md (readme), with plain JSON-able results in between.
import type { HandlerBundles } from './functions.ts';
import type { Harness } from './harness.ts';

/** The sections, in the order the bench runs and prints them (`--only` takes these names). */
export const SECTION_NAMES = ['bundle-sizes', 'cold-starts', 'max-upload', 'load', 'library', 'renditions', 'exports'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** The bench's flags, parsed (bench/cli.ts). */
export interface BenchOptions {
  /** Cold-start rounds at full CPU; also the library's rounds. */
  runs: number;
  /** Rounds at each Lambda CPU share (each takes seconds); 0 leaves the shares out. */
  shareRuns: number;
  /** Cold-start rounds before the measured ones, not counted. */
  warmup: number;
  /** The largest upload processed in max-upload, MiB (at most the deploy's MAX_UPLOAD_BYTES). */
  hashMiB: number;
  hashRuns: number;
  loadPhotos: number;
  loadConcurrency: number;
  libraryPhotos: number;
  renditionsRuns: number;
  /** Photos in the exports section's event, and each one's size (KiB). */
  exportPhotos: number;
  exportPhotoKiB: number;
}

/** One row of the README's results table: a figure beside the baseline measured in the same run. */
export interface ReadmeRow {
  what: string;
  figure: string;
  baseline: string;
}

/** What a section is given besides the options: shared by every section of one run (bench/context.ts). */
export interface BenchContext {
  /** A progress line on stderr, with the time since the bench started. */
  progress(line: string): void;
  /** A folder of this run's own, removed at its end. */
  workDir: string;
  /** The handlers' deploy and naive bundles, built once for every section that asks. */
  bundles(): Promise<HandlerBundles>;
  /** The local stack with signed-in users and child runners (bench/harness.ts), started once. */
  harness(): Promise<Harness>;
  /** Run at the end of the bench, or on SIGINT/SIGTERM: for what a section must not leave behind. */
  onStop(cleanUp: () => Promise<void>): void;
}

/**
 * A section. Methods (not function properties) so that sections of different results fit one list.
 * `usesHarness`: the section measures against context.harness(); the bench stops that stack once no
 * later section needs it, so that it takes no CPU from the sections that start stacks of their own.
 */
export interface Section<Result> {
  name: SectionName;
  usesHarness: boolean;
  run(context: BenchContext, options: BenchOptions): Promise<Result>;
  /** The printed tables, from the result alone. */
  report(result: Result): string;
  /** Rows of the README's table, from the result alone. */
  readme(result: Result): ReadmeRow[];
}

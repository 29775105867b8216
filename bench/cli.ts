// The bench's flags: every one a whole number with a default, besides --only and --json.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SECTION_NAMES, type BenchOptions, type SectionName } from './section.ts';

interface Flag {
  option: keyof BenchOptions;
  default: number;
  minimum: number;
  help: string;
}

export const FLAGS: Record<string, Flag> = {
  runs: { option: 'runs', default: 5, minimum: 1, help: 'cold-start rounds at full CPU; the library rounds' },
  'share-runs': { option: 'shareRuns', default: 3, minimum: 0, help: 'cold-start rounds at each Lambda CPU share (0: none)' },
  warmup: { option: 'warmup', default: 1, minimum: 0, help: 'cold-start rounds before the measured ones' },
  'hash-mib': {
    option: 'hashMiB',
    default: 25,
    minimum: 1,
    help: "the largest upload processed, MiB (at most the deploy's MAX_UPLOAD_BYTES)",
  },
  'hash-runs': { option: 'hashRuns', default: 3, minimum: 1, help: 'runs of each max-upload size' },
  'load-photos': { option: 'loadPhotos', default: 600, minimum: 1, help: 'photos of each load row' },
  'load-concurrency': { option: 'loadConcurrency', default: 16, minimum: 1, help: 'clients of the load rows (but the one-client row)' },
  'library-photos': {
    option: 'libraryPhotos',
    default: 5000,
    minimum: 1,
    help: 'photos in the library event (at least 200 x --runs + 20)',
  },
  'renditions-runs': { option: 'renditionsRuns', default: 3, minimum: 1, help: 'runs of each renditions reading' },
  'export-photos': { option: 'exportPhotos', default: 2000, minimum: 1, help: "photos in the exports section's event" },
  'export-photo-kib': {
    option: 'exportPhotoKiB',
    default: 2560,
    minimum: 1,
    help: "size of each of those photos, KiB (2,000 x 2,560 KiB: 4.9 GiB, the issue's 5 GiB)",
  },
};

export const DEFAULT_OPTIONS = Object.fromEntries(
  Object.values(FLAGS).map((flag) => [flag.option, flag.default]),
) as unknown as BenchOptions;

export interface BenchArgs {
  options: BenchOptions;
  only: SectionName[];
  /** --json: where to write the results besides the latest results file. */
  jsonFile: string | undefined;
  /** --help: print the flags, run nothing. */
  help: boolean;
  /** --report FILE: print the tables of a results file, measure nothing. */
  reportFile: string | undefined;
}

function wholeNumber(name: string, value: string, minimum: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) throw new Error(`--${name} must be an integer >= ${minimum}, not ${value}`);
  return parsed;
}

function sectionNames(value: string): SectionName[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTION_NAMES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`--only: no section ${unknown.join(', ')} (the sections: ${SECTION_NAMES.join(', ')})`);
  // In the bench's order, whatever the order given.
  return SECTION_NAMES.filter((name) => names.includes(name));
}

/**
 * The bench's arguments. A bare `--json` (no file after it) means `defaultJsonFile`: parseArgs
 * needs a value, so one is put in.
 */
export function parseBenchArgs(argv: string[], defaultJsonFile: string): BenchArgs {
  const args = [...argv];
  const jsonAt = args.indexOf('--json');
  if (jsonAt >= 0 && (jsonAt === args.length - 1 || args[jsonAt + 1]!.startsWith('--'))) args.splice(jsonAt + 1, 0, defaultJsonFile);
  const { values } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(
        Object.entries(FLAGS).map(([name, flag]) => [name, { type: 'string', default: String(flag.default) }] as const),
      ),
      only: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
      report: { type: 'string' },
    },
  });
  const options = Object.fromEntries(
    Object.entries(FLAGS).map(([name, flag]) => [
      flag.option,
      wholeNumber(name, String((values as Record<string, unknown>)[name]), flag.minimum),
    ]),
  ) as unknown as BenchOptions;
  return {
    options,
    only: values.only === undefined ? [...SECTION_NAMES] : sectionNames(String(values.only)),
    jsonFile: values.json === undefined ? undefined : path.resolve(String(values.json)),
    help: values.help === true,
    reportFile: values.report === undefined ? undefined : path.resolve(String(values.report)),
  };
}

/** The flags that differ from their defaults, as they would be typed: how a run's size is named. */
export function nonDefaultFlags(options: BenchOptions): string[] {
  return Object.entries(FLAGS)
    .filter(([, flag]) => options[flag.option] !== flag.default)
    .map(([name, flag]) => `--${name} ${options[flag.option]}`);
}

export function usage(): string {
  return [
    'npm run bench [-- flags]',
    ...Object.entries(FLAGS).map(([name, flag]) => `  --${`${name} N`.padEnd(22)} ${flag.help} (default ${flag.default})`),
    `  --${'only a,b'.padEnd(22)} run only these sections: ${SECTION_NAMES.join(', ')}`,
    `  --${'json [file]'.padEnd(22)} write the results to this file too (bare: .local/bench/latest.json)`,
    `  --${'report file'.padEnd(22)} print the tables of a results file, measure nothing`,
  ].join('\n');
}

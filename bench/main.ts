// npm run bench [-- --only cold-starts,load --runs 5 ... --json [file]]   (npm run bench -- --help: the flags)
//
// Runs the sections (bench/sections/), prints each one's tables as it ends, and writes every result
// to .local/bench/latest.json (gitignored) and, with --json, to that file too. bench/README.md says
// what each section measures; `npx tsx bench/report-readme.ts` makes its results table from a file.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '@event-photos/local-stack';
import { nonDefaultFlags, parseBenchArgs, usage } from './cli.ts';
import { createContext } from './context.ts';
import { minimumLibraryPhotos } from './library.ts';
import { newResults, readResults, writeResults, type BenchResults } from './results.ts';
import { SECTIONS } from './sections/index.ts';

export const LATEST_RESULTS = path.join(REPO_ROOT, '.local/bench/latest.json');

function header(results: BenchResults): string {
  const { commit, machine } = results;
  const flags = nonDefaultFlags(results.options);
  return [
    `Bench ${results.date}, commit ${commit.sha.slice(0, 12)}${commit.dirty ? ' (with uncommitted changes)' : ''}`,
    `Node ${results.node}, ${machine.cpus} CPU ${machine.cpuModel}, ${machine.platform}`,
    `Sections: ${results.sections.join(', ')}; flags: ${flags.length ? flags.join(' ') : 'the defaults'}. Figures are median / min unless noted.`,
  ].join('\n');
}

/** The tables of a results file, as the run printed them. */
async function printResults(file: string): Promise<void> {
  const results = await readResults(file);
  const tables = results.sections.flatMap((name) =>
    results.results[name] === undefined ? [] : [SECTIONS[name].report(results.results[name])],
  );
  process.stdout.write(`${header(results)}\n\n${tables.join('\n\n')}\n`);
}

export async function runBench(argv: string[]): Promise<void> {
  const started = performance.now();
  const { options, only, jsonFile, help, reportFile } = parseBenchArgs(argv, LATEST_RESULTS);
  if (help) return void process.stdout.write(`${usage()}\n`);
  if (reportFile) return printResults(reportFile);
  if (only.includes('library') && options.libraryPhotos < minimumLibraryPhotos(options.runs))
    throw new Error(`--library-photos must be at least ${minimumLibraryPhotos(options.runs)} with --runs ${options.runs}`);
  const results = newResults(REPO_ROOT, options, only);
  const files = [...new Set([LATEST_RESULTS, ...(jsonFile ? [jsonFile] : [])])];
  const context = await createContext(started);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void context.stop().finally(() => process.exit(130)));
  process.stdout.write(`${header(results)}\n`);
  try {
    for (const [i, name] of only.entries()) {
      const section = SECTIONS[name];
      const sectionStarted = performance.now();
      results.results[name] = await section.run(context, options);
      results.seconds[name] = (performance.now() - sectionStarted) / 1000;
      // The harness's stack idles while others run: stopped once no later section needs it.
      if (!only.slice(i + 1).some((later) => SECTIONS[later].usesHarness)) await context.stopHarness();
      results.complete = i === only.length - 1;
      results.durationSeconds = (performance.now() - started) / 1000;
      await writeResults(files, results);
      process.stdout.write(`\n${section.report(results.results[name])}\n   (${results.seconds[name]!.toFixed(0)} s)\n`);
    }
  } finally {
    await context.stop();
  }
  const shown = files.map((file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file)));
  process.stdout.write(
    `\nTotal ${results.durationSeconds.toFixed(1)} s on ${os.cpus().length} cores. Results (JSON): ${shown.join(', ')}\n`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runBench(process.argv.slice(2));

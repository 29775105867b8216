// The results file of a bench run: which code and machine it measured, with what flags, and each
// section's result. Written to .local/bench/latest.json (gitignored) and, with --json, elsewhere too.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions, SectionName } from './section.ts';

export interface BenchResults {
  /** When the run started (ISO 8601). */
  date: string;
  commit: { sha: string; dirty: boolean };
  node: string;
  machine: { platform: string; cpus: number; cpuModel: string };
  options: BenchOptions;
  /** The sections asked for (--only), in the order they ran. */
  sections: SectionName[];
  /** False until every section asked for has its result (the file is written after each one). */
  complete: boolean;
  durationSeconds: number;
  /** Seconds each section took. */
  seconds: Partial<Record<SectionName, number>>;
  results: Partial<Record<SectionName, unknown>>;
}

/** Which code the figures are of, read before any of it runs, so a figure quoted elsewhere can name its run. */
export function commitOf(repoRoot: string): BenchResults['commit'] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' };
}

export function newResults(repoRoot: string, options: BenchOptions, sections: SectionName[]): BenchResults {
  return {
    date: new Date().toISOString(),
    commit: commitOf(repoRoot),
    node: process.version,
    machine: { platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown' },
    options,
    sections,
    complete: false,
    durationSeconds: 0,
    seconds: {},
    results: {},
  };
}

export async function writeResults(files: string[], results: BenchResults): Promise<void> {
  for (const file of files) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  }
}

export async function readResults(file: string): Promise<BenchResults> {
  const results = JSON.parse(await readFile(file, 'utf8')) as BenchResults;
  if (!results.results || !results.commit || !results.options) throw new Error(`${file} is not a results file of npm run bench`);
  return results;
}

// npx tsx bench/report-readme.ts [results.json]   (default .local/bench/latest.json)
//
// Rewrites the results table of bench/README.md, between its two markers, from a results file of
// `npm run bench`: one row per figure, each beside its baseline from the same run, and a line
// naming the run (date, commit, machine, flags). Nothing else in the README changes.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nonDefaultFlags } from './cli.ts';
import { readResults, type BenchResults } from './results.ts';
import type { ReadmeRow, SectionName } from './section.ts';
import { SECTIONS } from './sections/index.ts';

export const START_MARKER = '<!-- bench:results:start -->';
export const END_MARKER = '<!-- bench:results:end -->';

/** A Markdown table cell: pipes escaped, no line breaks. */
const cell = (text: string) => text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

/** A Markdown table with its columns aligned, as Biome formats Markdown (npm run lint checks this README). */
export function markdownTable(rows: ReadmeRow[]): string {
  const lines = [['what', 'figure', 'baseline (same run)'], ...rows.map((row) => [row.what, row.figure, row.baseline].map(cell))];
  const widths = [0, 1, 2].map((column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [format(lines[0]!), format(widths.map((width) => '-'.repeat(width))), ...lines.slice(1).map(format)].join('\n');
}

/** The line that names the run the table is from. */
export function runLine(results: BenchResults): string {
  const flags = nonDefaultFlags(results.options);
  const { machine, commit } = results;
  const size = flags.length
    ? `a small run, flags \`${flags.join(' ')}\` (the full run is \`npm run bench\`, its defaults)`
    : 'a full run (`npm run bench`, every flag at its default)';
  const sections = results.sections.length === Object.keys(SECTIONS).length ? 'every section' : `sections ${results.sections.join(', ')}`;
  return [
    `From ${size}, ${sections}${results.complete ? '' : ' (incomplete: it stopped early)'}: ${results.date.slice(0, 10)},`,
    `commit ${commit.sha.slice(0, 7)}${commit.dirty ? ' with uncommitted changes' : ''}, on ${machine.cpus} × ${machine.cpuModel}`,
    `(${machine.platform}), Node ${results.node}; ${Math.round(results.durationSeconds)} s. Medians unless noted.`,
  ].join(' ');
}

/** Every row the results give, section by section (a section the run left out gives none). */
export function readmeRows(results: BenchResults): ReadmeRow[] {
  return (Object.keys(SECTIONS) as SectionName[]).flatMap((name) =>
    results.results[name] === undefined ? [] : SECTIONS[name].readme(results.results[name]),
  );
}

/** The README with what lies between the markers replaced by `content`. */
export function replaceBetweenMarkers(readme: string, content: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`the README has no ${START_MARKER} ... ${END_MARKER} section`);
  return `${readme.slice(0, start + START_MARKER.length)}\n\n${content}\n\n${readme.slice(end)}`;
}

export function readmeWithResults(readme: string, results: BenchResults): string {
  return replaceBetweenMarkers(readme, `${runLine(results)}\n\n${markdownTable(readmeRows(results))}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmeFile = fileURLToPath(new URL('./README.md', import.meta.url));
  const resultsFile = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../.local/bench/latest.json', import.meta.url)));
  const results = await readResults(resultsFile);
  await writeFile(readmeFile, readmeWithResults(await readFile(readmeFile, 'utf8'), results));
  console.log(`bench/README.md: ${readmeRows(results).length} rows from ${path.relative(process.cwd(), resultsFile)}`);
}

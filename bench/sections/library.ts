// Section 6: the photo library at event scale (bench/library.ts): an event of --library-photos
// photos on a fresh stack, over HTTP through the local gateway and functions.
import { fixed, plural, table } from '../format.ts';
import { runLibrary, type LibraryResult } from '../library.ts';
import type { BenchContext, BenchOptions, ReadmeRow, Section } from '../section.ts';

async function run(context: BenchContext, options: BenchOptions): Promise<LibraryResult> {
  context.progress(`library: an event of ${options.libraryPhotos} photos`);
  return runLibrary({ photos: options.libraryPhotos, runs: options.runs });
}

/** [request, ms, beside it in the same run]: the printed table's rows and the README's. */
function rows(result: LibraryResult): Array<[string, number, string]> {
  const page1 = `page 1: ${fixed(result.page1Ms, 1)} ms`;
  return [
    [`list page ${result.deepPage} (${result.pageSize} photos, by cursor)`, result.deepPageMs, page1],
    [`search q= matching ${result.search.matches}, every page (${plural(result.search.requests, 'request')})`, result.search.ms, page1],
    ['batch delete of 100 (one request)', result.batchDelete100Ms, `100 single DELETEs: ${fixed(result.singleDeletes100Ms, 1)} ms`],
  ];
}

function report(result: LibraryResult): string {
  return [
    `6. The photo library: an event of ${result.photos} photos (seeded into the table in ${fixed(result.seedSeconds, 1)} s), over HTTP`,
    `   through the local gateway and functions; median of ${plural(result.runs, 'round')}.`,
    table(
      ['request', 'ms', 'beside, same run'],
      [
        [`list page 1 (${result.pageSize} photos)`, fixed(result.page1Ms, 1), ''],
        ...rows(result).map(([what, ms, beside]) => [what, fixed(ms, 1), beside]),
      ],
    ),
  ].join('\n');
}

function readme(result: LibraryResult): ReadmeRow[] {
  return rows(result).map(([what, ms, baseline]) => ({
    what: `an event of ${result.photos} photos over HTTP: ${what}`,
    figure: `${fixed(ms, 1)} ms`,
    baseline,
  }));
}

export const library: Section<LibraryResult> = { name: 'library', usesHarness: false, run, report, readme };

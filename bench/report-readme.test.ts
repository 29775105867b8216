import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from './cli.ts';
import type { LibraryResult } from './library.ts';
import { END_MARKER, START_MARKER, readmeWithResults, replaceBetweenMarkers } from './report-readme.ts';
import type { BenchResults } from './results.ts';
import type { BundleSizesResult } from './sections/bundle-sizes.ts';

const library: LibraryResult = {
  photos: 300,
  runs: 1,
  pageSize: 50,
  page1Ms: 30.04,
  deepPage: 6,
  deepPageMs: 41.26,
  search: { matches: 10, requests: 1, ms: 52.5 },
  batchDelete100Ms: 900.1,
  singleDeletes100Ms: 2100.9,
  seedSeconds: 1.2,
};

const bundleSizes = {
  esbuild: '0.28.2',
  buildOptions: {},
  naiveBuildOptions: {},
  functions: [{ name: 'get-photo', bytes: 244_198, gzipBytes: 78_746, naive: { bytes: 1_024_307, gzipBytes: 264_806 } }],
} as unknown as BundleSizesResult;

/** A small run: two sections, two flags away from their defaults. */
const results: BenchResults = {
  date: '2026-12-06T12:00:00.000Z',
  commit: { sha: 'abcdef0123456789abcdef0123456789abcdef01', dirty: false },
  node: 'v22.23.3',
  machine: { platform: 'linux x64', cpus: 2, cpuModel: 'AMD EPYC' },
  options: { ...DEFAULT_OPTIONS, runs: 1, libraryPhotos: 300 },
  sections: ['bundle-sizes', 'library'],
  complete: true,
  durationSeconds: 61.4,
  seconds: { 'bundle-sizes': 6, library: 55 },
  results: { 'bundle-sizes': bundleSizes, library },
};

const before = '# The bench\n\nProse that stays.\n\n';
const after = '\n\n## After\n\nMore prose | with a pipe.\n';
const readme = `${before}${START_MARKER}\nan old table\n${END_MARKER}${after}`;

describe('the README results table', () => {
  it('replaces what lies between the markers, and nothing else', () => {
    const written = readmeWithResults(readme, results);
    expect(written.startsWith(`${before}${START_MARKER}\n`)).toBe(true);
    expect(written.endsWith(`\n${END_MARKER}${after}`)).toBe(true);
    expect(written).not.toContain('an old table');
    const table = written.slice(written.indexOf(START_MARKER) + START_MARKER.length, written.indexOf(END_MARKER));
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((text) => text.trim());
    const lines = table.split('\n').filter((line) => line.startsWith('|'));
    expect(lines.map(cells)).toContainEqual(['what', 'figure', 'baseline (same run)']);
    expect(lines.map(cells)).toContainEqual([
      'an event of 300 photos over HTTP: list page 6 (50 photos, by cursor)',
      '41.3 ms',
      'page 1: 30.0 ms',
    ]);
    expect(lines.map(cells)).toContainEqual([
      'bundle size, KiB (gzip), the pinned AWS SDK included',
      'get-photo 238.5 (76.9)',
      'bundled naively (no tree shaking): get-photo 1000.3',
    ]);
    // Aligned, as Biome formats Markdown tables.
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(table.match(/^\| /gm)).toHaveLength(2 + 1 + 3); // header, separator, bundle sizes, three library rows
  });

  it('names the run: date, commit, machine, and the flags of a small run', () => {
    const written = readmeWithResults(readme, results);
    expect(written).toContain('a small run, flags `--runs 1 --library-photos 300`');
    expect(written).toContain('sections bundle-sizes, library');
    expect(written).toContain('2026-12-06');
    expect(written).toContain('commit abcdef0');
    expect(written).toContain('2 × AMD EPYC');
    expect(readmeWithResults(readme, { ...results, options: DEFAULT_OPTIONS })).toContain('a full run');
  });

  it('gives the same README when run again on its own output', () => {
    const once = readmeWithResults(readme, results);
    expect(readmeWithResults(once, results)).toBe(once);
  });

  it('refuses a README without the markers', () => {
    expect(() => replaceBetweenMarkers('# no markers\n', 'table')).toThrow(/bench:results:start/);
  });
});

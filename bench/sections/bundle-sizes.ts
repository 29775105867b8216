// Section 1: the size of each handler's bundle, built with the deploy's esbuild options
// (bench/bundle.ts), beside the same handler bundled naively (no tree shaking).
import { DEPLOY_BUILD_OPTIONS, NAIVE_BUILD_OPTIONS } from '../bundle.ts';
import { kib, table } from '../format.ts';
import { FUNCTIONS, bundleOf } from '../functions.ts';
import type { BenchContext, Section } from '../section.ts';

export interface BundleSizesResult {
  esbuild: string;
  buildOptions: typeof DEPLOY_BUILD_OPTIONS;
  naiveBuildOptions: typeof NAIVE_BUILD_OPTIONS;
  functions: Array<{ name: string; bytes: number; gzipBytes: number; naive: { bytes: number; gzipBytes: number } }>;
}

async function run(context: BenchContext): Promise<BundleSizesResult> {
  context.progress('bundle sizes: building each handler with the deploy options and naively');
  const bundles = await context.bundles();
  return {
    esbuild: (await import('esbuild')).version,
    buildOptions: DEPLOY_BUILD_OPTIONS,
    naiveBuildOptions: NAIVE_BUILD_OPTIONS,
    functions: FUNCTIONS.map(({ name }) => {
      const { bytes, gzipBytes } = bundleOf(bundles.deploy, name);
      const naive = bundleOf(bundles.naive, name);
      return { name, bytes, gzipBytes, naive: { bytes: naive.bytes, gzipBytes: naive.gzipBytes } };
    }),
  };
}

function report(result: BundleSizesResult): string {
  return [
    `1. Bundles (esbuild ${result.esbuild}, the deploy's options: one minified ESM file per function, sharp external),`,
    '   beside the same handler bundled naively (treeShaking: false, ignoreAnnotations: true: the whole SDK clients).',
    "   gzip at zlib's default level estimates the deployment zip.",
    table(
      ['function', 'bytes', 'KiB', 'gzip KiB', 'naive KiB', 'naive gzip KiB'],
      result.functions.map(({ name, bytes, gzipBytes, naive }) => [
        name,
        String(bytes),
        ...[bytes, gzipBytes, naive.bytes, naive.gzipBytes].map(kib),
      ]),
    ),
  ].join('\n');
}

function readme(result: BundleSizesResult) {
  const list = (size: (fn: BundleSizesResult['functions'][number]) => string) =>
    result.functions.map((fn) => `${fn.name} ${size(fn)}`).join(', ');
  return [
    {
      what: 'bundle size, KiB (gzip), the pinned AWS SDK included',
      figure: list((fn) => `${kib(fn.bytes)} (${kib(fn.gzipBytes)})`),
      baseline: `bundled naively (no tree shaking): ${list((fn) => kib(fn.naive.bytes))}`,
    },
  ];
}

export const bundleSizes: Section<BundleSizesResult> = { name: 'bundle-sizes', usesHarness: false, run, report, readme };

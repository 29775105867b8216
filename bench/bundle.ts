import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { REPO_ROOT, deployBuildOptions, linkExternals, readServerlessApp } from '@event-photos/local-stack';

/**
 * The options serverless-esbuild uses for the deploy, read from custom.esbuild in serverless.yml:
 * one ESM file per function, the pinned AWS SDK bundled; external only what serverless.yml
 * excludes (sharp: native code).
 */
export const DEPLOY_BUILD_OPTIONS = deployBuildOptions((await readServerlessApp(REPO_ROOT)).esbuild);

/**
 * The same handler bundled naively, as a bundler that knows nothing of tree shaking would: with
 * `treeShaking: false` alone esbuild still drops the unused files of packages that declare
 * `sideEffects: false` (the SDK's do), so `ignoreAnnotations` is needed as well for every module
 * of each imported package (with SDK 3.1162, all 113 S3 and 63 DynamoDB commands) to land in the bundle.
 */
export const NAIVE_BUILD_OPTIONS = { ...DEPLOY_BUILD_OPTIONS, treeShaking: false, ignoreAnnotations: true } satisfies BuildOptions;

export interface BundleResult {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Builds each entry into its own bundle under outDir (one build per function, like the deploy). */
export async function buildBundles(
  entries: Record<string, string>,
  outDir: string,
  options: BuildOptions = DEPLOY_BUILD_OPTIONS,
): Promise<Map<string, BundleResult>> {
  await linkExternals(options, outDir);
  const results = await Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      await build({ ...options, entryPoints: { [name]: entry }, outdir: outDir, logLevel: 'warning' });
      const file = path.join(outDir, `${name}.mjs`);
      const bytes = (await stat(file)).size;
      // gzip at zlib's default level, as an estimate of the deployment zip's compressed size.
      const gzipBytes = gzipSync(await readFile(file)).length;
      return { name, file, bytes, gzipBytes } satisfies BundleResult;
    }),
  );
  return new Map(results.map((result) => [result.name, result]));
}

import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import type { Yaml } from '#lib/serverless-config';
import type { ServerlessApp } from '#lib/serverless-functions';

/**
 * The esbuild options serverless-esbuild uses for the deploy, from `custom.esbuild` of
 * serverless.yml: its own option names mapped to esbuild's, everything else passed through.
 * Relative paths (alias targets, the plugins file) are from `absWorkingDir`, the service folder
 * serverless-esbuild builds in.
 */
export function deployBuildOptions(custom: Yaml): BuildOptions {
  const { outputFileExtension, exclude, packager, packagerOptions, installExtraArgs, keepOutputDirectory, nativeZip, plugins, ...options } =
    custom;
  const workingDir = String(options['absWorkingDir'] ?? process.cwd());
  return {
    ...options,
    ...(outputFileExtension ? { outExtension: { '.js': String(outputFileExtension) } } : {}),
    external: [].concat(exclude ?? []).filter((name) => name !== '*'),
    // serverless-esbuild's `plugins`: a file that exports the plugins.
    ...(plugins ? { plugins: createRequire(import.meta.url)(path.resolve(workingDir, String(plugins))) } : {}),
  } as BuildOptions;
}

/**
 * Lets the bundles in `outdir` import the packages serverless.yml leaves external (sharp: native
 * code). On Lambda they come from the zip's node_modules/ (packaging/lambda-sharp); here from the
 * repo's node_modules/, this machine's build.
 */
export async function linkExternals(options: BuildOptions, outdir: string): Promise<void> {
  if (!options.external?.length) return;
  await mkdir(outdir, { recursive: true });
  await symlink(path.join(String(options.absWorkingDir ?? process.cwd()), 'node_modules'), path.join(outdir, 'node_modules'), 'dir');
}

const INSTANCE_ENTRY = fileURLToPath(new URL('./lambda-instance.ts', import.meta.url));
const BUNDLES_PREFIX = 'event-photos-functions-';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

/**
 * Removes the bundle folders of stacks whose process is gone: a stack killed (SIGKILL, a crash
 * drill, a closed terminal) never runs its cleanup, and each folder holds ~28 MiB. A folder's
 * name carries its process id; folders of running processes stay.
 */
export async function sweepBundlesOfEndedProcesses(parent: string = tmpdir()): Promise<string[]> {
  const ended = (await readdir(parent).catch(() => [] as string[])).filter((name) => {
    const [pidText, suffix] = name.startsWith(BUNDLES_PREFIX) ? name.slice(BUNDLES_PREFIX.length).split('-') : [];
    const pid = Number(pidText);
    return suffix !== undefined && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid);
  });
  await Promise.all(ended.map((name) => rm(path.join(parent, name), { recursive: true, force: true })));
  return ended;
}

export interface FunctionBundles {
  /** The bundle of each function, by name (what Lambda would load). */
  files: Map<string, string>;
  /** The instance runner that loads a bundle inside a worker thread. */
  instance: string;
  remove(): Promise<void>;
}

/**
 * Bundles every function as the deploy does (serverless.yml's esbuild options), so the local
 * instances load what Lambda loads: one JavaScript file each, in ~50 ms instead of compiling
 * TypeScript on every cold start. Not minified, with source maps, so stack traces name the
 * TypeScript lines.
 */
export async function buildFunctionBundles(app: ServerlessApp): Promise<FunctionBundles> {
  await sweepBundlesOfEndedProcesses();
  const outdir = await mkdtemp(path.join(tmpdir(), `${BUNDLES_PREFIX}${process.pid}-`));
  const options: BuildOptions = { ...deployBuildOptions(app.esbuild), minify: false, sourcemap: 'linked', outdir, logLevel: 'warning' };
  const entries = [...app.functions.values()].map((spec) => [spec.name, spec.file] as const);
  try {
    await linkExternals(options, outdir);
    // One build of every entry: each output is self-contained (no splitting), as the deploy's
    // one-build-per-function, but shared modules (the SDK) are parsed once.
    await build({ ...options, entryPoints: { ...Object.fromEntries(entries), 'lambda-instance': INSTANCE_ENTRY } });
  } catch (error) {
    await rm(outdir, { recursive: true, force: true });
    throw error;
  }
  const extension = options.outExtension?.['.js'] ?? '.js';
  return {
    files: new Map(entries.map(([name]) => [name, path.join(outdir, `${name}${extension}`)])),
    instance: path.join(outdir, `lambda-instance${extension}`),
    remove: () => rm(outdir, { recursive: true, force: true }),
  };
}

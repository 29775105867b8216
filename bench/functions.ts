// The handlers the bench measures, as serverless.yml declares them, and their bundles.
import path from 'node:path';
import { REPO_ROOT, readServerlessApp } from '@event-photos/local-stack';
import { NAIVE_BUILD_OPTIONS, buildBundles, type BundleResult } from './bundle.ts';

export interface FunctionUnderTest {
  /** The bundle's name (its file name, as the deploy names it). */
  name: string;
  /** Its name in serverless.yml. */
  serverlessName: string;
  entry: string;
  /** memorySize in serverless.yml (or the provider's default). */
  memoryMB: number;
  /** What a successful first invocation answers: an HTTP status, or 'record' for the S3 handler. */
  expected: number | 'record';
}

/** The four routes a gallery calls most, and the S3 trigger: serverless name, bundle name, expected answer. */
const MEASURED: Array<[serverlessName: string, name: string, expected: number | 'record']> = [
  ['initiateUpload', 'initiate-upload', 201],
  ['listPhotos', 'list-photos', 200],
  ['getPhoto', 'get-photo', 200],
  ['createEvent', 'create-event', 201],
  ['processUploadedPhoto', 'process-uploaded-photo', 'record'],
];

const app = await readServerlessApp(REPO_ROOT);
export const FUNCTIONS: FunctionUnderTest[] = MEASURED.map(([serverlessName, name, expected]) => {
  const spec = app.functions.get(serverlessName);
  if (!spec) throw new Error(`serverless.yml has no function ${serverlessName}`);
  return { name, serverlessName, entry: spec.file, memoryMB: spec.memoryMB, expected };
});

export function functionNamed(name: string): FunctionUnderTest {
  const fn = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no function under test named ${name}`);
  return fn;
}

export interface HandlerBundles {
  /** Built with the deploy's options (bundle.ts): what Lambda runs. */
  deploy: Map<string, BundleResult>;
  /** The same handlers without tree shaking: the baseline of the bundle sizes and cold starts. */
  naive: Map<string, BundleResult>;
}

export async function buildHandlerBundles(dir: string): Promise<HandlerBundles> {
  const entries = Object.fromEntries(FUNCTIONS.map((fn) => [fn.name, fn.entry]));
  const [deploy, naive] = await Promise.all([
    buildBundles(entries, path.join(dir, 'deploy')),
    buildBundles(entries, path.join(dir, 'naive'), NAIVE_BUILD_OPTIONS),
  ]);
  return { deploy, naive };
}

/** A bundle of a map built by buildHandlerBundles, or an error naming it. */
export function bundleOf(bundles: Map<string, BundleResult>, name: string): BundleResult {
  const bundle = bundles.get(name);
  if (!bundle) throw new Error(`no bundle of ${name}`);
  return bundle;
}

// The osls plugin of packaging/lambda-sharp on zips made here (what serverless-esbuild writes: one
// bundle each), so it is checked whatever the handlers import today; and that serverless.yml wires
// it. lambda-package.integration.test.ts checks the real packaged zips.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readZip } from './read-zip.ts';
import yazl from 'yazl';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Plugin {
  hooks: Record<string, () => Promise<void>>;
}
type PluginClass = new (serverless: unknown, options: Record<string, unknown>) => Plugin;
const LambdaSharpPlugin = createRequire(import.meta.url)(path.join(ROOT, 'packaging/lambda-sharp/serverless-plugin.cjs')) as PluginClass;

const BUNDLES: Record<string, string> = {
  // The renditions code, as esbuild leaves an external import.
  resize: `import { createRequire } from 'module'; const require = createRequire(import.meta.url);\nimport s from "sharp";export const handler=async()=>s.versions;`,
  lazy: `export const handler=async()=>(await import("sharp")).default.versions;`,
  // Mentions sharp without importing it.
  http: `export const handler=async()=>({statusCode:200,body:"sharp pictures"});`,
};

let dir: string;
const original = new Map<string, Buffer>();

async function writeZip(file: string, entries: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name, { mtime: new Date(1980, 0, 1) });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

async function runPlugin(functionName?: string): Promise<void> {
  const serverless = {
    serviceDir: dir,
    service: {
      getAllFunctions: () => Object.keys(BUNDLES),
      getFunction: (name: string) => ({ package: { artifact: `${name}.zip` } }),
    },
  };
  await new LambdaSharpPlugin(serverless, functionName ? { function: functionName } : {}).hooks[
    'before:package:createDeploymentArtifacts'
  ]!();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lambda-sharp-plugin-'));
  for (const [name, code] of Object.entries(BUNDLES)) {
    await writeZip(path.join(dir, `${name}.zip`), { [`services/photos-api/src/${name}.mjs`]: code });
    original.set(name, await readFile(path.join(dir, `${name}.zip`)));
  }
  await runPlugin();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('packaging/lambda-sharp/serverless-plugin.cjs', () => {
  it.each([['resize'], ['lazy']])(
    'adds the linux-arm64 tree under node_modules/ to a bundle that imports sharp (%s), keeping the bundle',
    async (name) => {
      const entries = await readZip(path.join(dir, `${name}.zip`));
      expect(entries.get(`services/photos-api/src/${name}.mjs`)?.toString()).toBe(BUNDLES[name]);
      const packages = new Set([...entries.keys()].flatMap((file) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
      expect([...packages].sort()).toEqual([
        '@img/colour',
        '@img/sharp-libvips-linux-arm64',
        '@img/sharp-linux-arm64',
        'detect-libc',
        'semver',
        'sharp',
      ]);
      const installed = path.join(ROOT, 'packaging/lambda-sharp/node_modules');
      expect(entries.get('node_modules/sharp/package.json')).toEqual(await readFile(path.join(installed, 'sharp/package.json')));
      expect([...entries.keys()].filter((file) => file.startsWith('node_modules/.'))).toEqual([]);
    },
  );

  it('leaves a zip whose bundle does not import sharp as it was, byte for byte', async () => {
    expect(await readFile(path.join(dir, 'http.zip'))).toEqual(original.get('http'));
  });

  it('writes the same bytes for the same input (a stable CodeSha256)', async () => {
    const first = await readFile(path.join(dir, 'resize.zip'));
    await writeZip(path.join(dir, 'resize.zip'), { 'services/photos-api/src/resize.mjs': BUNDLES['resize']! });
    await runPlugin('resize');
    expect((await readFile(path.join(dir, 'resize.zip'))).equals(first)).toBe(true);
  });

  it('refuses a zip that already has node_modules/ (something else packaged dependencies)', async () => {
    await writeZip(path.join(dir, 'lazy.zip'), {
      'services/photos-api/src/lazy.mjs': BUNDLES['lazy']!,
      'node_modules/sharp/package.json': '{}',
    });
    await expect(runPlugin('lazy')).rejects.toThrow(/already has node_modules/);
  });
});

describe('serverless.yml', () => {
  it('leaves sharp out of the bundles and runs the plugin after serverless-esbuild has zipped them', async () => {
    const config = parse(await readFile(path.join(ROOT, 'serverless.yml'), 'utf8')) as {
      plugins: string[];
      custom: { esbuild: Record<string, unknown> };
    };
    const plugins = config.plugins;
    expect(plugins.indexOf('./packaging/lambda-sharp/serverless-plugin.cjs')).toBeGreaterThan(plugins.indexOf('serverless-esbuild'));
    expect(plugins.indexOf('serverless-esbuild')).toBeGreaterThanOrEqual(0);
    expect(config.custom.esbuild['exclude']).toContain('sharp');
    // `external` would make serverless-esbuild install sharp itself, for this machine.
    expect(config.custom.esbuild['external'] ?? []).not.toContain('sharp');
  });
});

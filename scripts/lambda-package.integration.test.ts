// What the packaged Lambda zips hold (`npm run package`, one run shared with
// templates.integration.test.ts): sharp built for Lambda (linux arm64, from packaging/lambda-sharp)
// in the zip of every function whose bundle imports it, and in no other; never this machine's x64
// build. And that packaging/lambda-sharp resolves the same sharp as the root lockfile, so the
// tests and Lambda run the same code.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { readZip } from './read-zip.ts';
import { API_PACKAGE_DIR, PACKAGE_TIMEOUT_MS, ROOT, packageOnce } from './package-once.ts';

const LAMBDA_SHARP = path.join(ROOT, 'packaging', 'lambda-sharp');
/** The packages sharp needs on Lambda: itself, its dependencies and its linux-arm64 (glibc) binaries. */
const SHARP_TREE = ['@img/colour', '@img/sharp-libvips-linux-arm64', '@img/sharp-linux-arm64', 'detect-libc', 'semver', 'sharp'];
/** The functions that make renditions with sharp (issue 8). */
const SHARP_FUNCTIONS = ['processUploadedPhoto', 'reconcileUploads'];
const EM_AARCH64 = 183;

interface LockPackage {
  version?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, LockPackage>;
}

interface LambdaZip {
  functionName: string;
  file: string;
  /** The CodeSha256 of the function's AWS::Lambda::Version in the template. */
  codeSha256: string;
  handlerFile: string;
  entries: Map<string, Buffer>;
}

/** The bare imports of an ESM bundle, as esbuild reads them (static and `import()`). */
async function importsOf(code: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: code, loader: 'js' },
    bundle: true,
    write: false,
    metafile: true,
    external: ['*'],
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((imported) => imported.path));
}

/** Where Node (and npm's lockfile) finds `name` from the package at `from`: the nearest node_modules up. */
function resolveIn(lock: Lockfile, name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.posix.dirname(dir)) {
    if (path.posix.basename(dir) !== 'node_modules') {
      const key = dir === '.' || dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
      if (lock.packages[key]) return key;
    }
    if (dir === '.' || dir === '') return undefined;
  }
}

/** The ELF machine of a native file (e_machine, little-endian 64-bit ELF only), or undefined. */
function elfMachine(data: Buffer): number | undefined {
  const isElf64LittleEndian = data.length > 20 && data.readUInt32BE(0) === 0x7f454c46 && data[4] === 2 && data[5] === 1;
  return isElf64LittleEndian ? data.readUInt16LE(18) : undefined;
}

const packagesIn = (entries: Map<string, Buffer>) =>
  [...new Set([...entries.keys()].flatMap((name) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(name)?.[1] ?? []))].sort();
const json = (entries: Map<string, Buffer>, name: string) =>
  JSON.parse(entries.get(name)?.toString('utf8') ?? 'null') as Record<string, any> | null;

let zips: LambdaZip[];
const importsSharp = new Map<string, boolean>();
const zipOf = (functionName: string) => zips.find((zip) => zip.functionName === functionName)!;

beforeAll(async () => {
  await packageOnce();
  const template = JSON.parse(await readFile(path.join(API_PACKAGE_DIR, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  };
  const resources = Object.entries(template.Resources);
  zips = await Promise.all(
    resources
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(async ([id, { Properties: fn }]) => {
        const zipName = path.posix.basename(String(fn['Code']['S3Key']));
        const version = resources.find(
          ([, resource]) => resource.Type === 'AWS::Lambda::Version' && resource.Properties['FunctionName']?.Ref === id,
        );
        const file = path.join(API_PACKAGE_DIR, zipName);
        return {
          functionName: zipName.replace(/\.zip$/, ''),
          file,
          codeSha256: String(version?.[1].Properties['CodeSha256']),
          handlerFile: `${String(fn['Handler']).replace(/\.[^.]+$/, '')}.mjs`,
          entries: await readZip(file),
        };
      }),
  );
  // The functions of serverless.yml (osls's own S3 custom resource is not bundled by esbuild).
  zips = zips.filter((zip) => zip.entries.has(zip.handlerFile));
  for (const zip of zips)
    importsSharp.set(
      zip.functionName,
      (await importsOf(zip.entries.get(zip.handlerFile)!.toString('utf8'))).some((name) => /^sharp(\/|$)/.test(name)),
    );
}, PACKAGE_TIMEOUT_MS);

describe('packaging/lambda-sharp', () => {
  it('resolves sharp and its whole tree to the same versions and tarballs as the root lockfile', async () => {
    const lambda = JSON.parse(await readFile(path.join(LAMBDA_SHARP, 'package-lock.json'), 'utf8')) as Lockfile;
    const rootLock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
    const images = JSON.parse(await readFile(path.join(ROOT, 'packages/images/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const lambdaManifest = JSON.parse(await readFile(path.join(LAMBDA_SHARP, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(lambdaManifest.dependencies).toEqual({ sharp: images.dependencies['sharp'] });

    // Walk sharp's tree in both lockfiles side by side, from the package that depends on it.
    const compared = new Map<string, string>();
    const walk = (name: string, lambdaFrom: string, rootFrom: string) => {
      const lambdaKey = resolveIn(lambda, name, lambdaFrom);
      const rootKey = resolveIn(rootLock, name, rootFrom);
      expect(lambdaKey, `${name} in packaging/lambda-sharp/package-lock.json`).toBeDefined();
      expect(rootKey, `${name} from ${rootFrom} in package-lock.json`).toBeDefined();
      if (compared.has(lambdaKey!)) return;
      const [mine, theirs] = [lambda.packages[lambdaKey!]!, rootLock.packages[rootKey!]!];
      compared.set(lambdaKey!, mine.version!);
      expect({ name, version: mine.version, integrity: mine.integrity }).toEqual({
        name,
        version: theirs.version,
        integrity: theirs.integrity,
      });
      for (const dependency of Object.keys({ ...mine.dependencies, ...mine.optionalDependencies })) walk(dependency, lambdaKey!, rootKey!);
    };
    walk('sharp', '', 'packages/images');
    expect(compared.get('node_modules/sharp')).toBe('0.35.5');
    expect(compared.get('node_modules/@img/sharp-linux-arm64')).toBe('0.35.5');
    expect(compared.size).toBeGreaterThan(SHARP_TREE.length);
  });

  it('is installed for linux arm64 (the root postinstall), with no other platform binary', async () => {
    const installed = JSON.parse(await readFile(path.join(LAMBDA_SHARP, 'node_modules', '.package-lock.json'), 'utf8')) as Lockfile;
    expect(
      Object.keys(installed.packages)
        .map((key) => key.replace(/^node_modules\//, ''))
        .sort(),
    ).toEqual(SHARP_TREE);
  });
});

describe('Lambda zips', () => {
  it('hold sharp exactly when the handler bundle imports it (serverless-esbuild leaves sharp out of every bundle)', () => {
    expect(zips.length).toBeGreaterThanOrEqual(12);
    for (const zip of zips) {
      const bundle = zip.entries.get(zip.handlerFile)!.toString('utf8');
      // Bundled sharp would look for its binary at run time and not find it.
      expect(bundle.includes('@img/sharp-linux-arm64/sharp.node'), `${zip.functionName} bundles sharp`).toBe(false);
      expect(packagesIn(zip.entries), zip.functionName).toEqual(importsSharp.get(zip.functionName) ? SHARP_TREE : []);
    }
  });

  it('give every function whose bundle imports sharp the linux arm64 build that sharp asks for, and no x64 file', () => {
    for (const zip of zips.filter((candidate) => importsSharp.get(candidate.functionName))) {
      const { entries, functionName } = zip;
      const sharp = json(entries, 'node_modules/sharp/package.json')!;
      expect(sharp['version'], functionName).toBe('0.35.5');
      for (const name of ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64']) {
        expect(json(entries, `node_modules/${name}/package.json`)?.['version'], `${functionName} ${name}`).toBe(
          sharp['optionalDependencies'][name],
        );
      }
      for (const name of ['@img/colour', 'detect-libc', 'semver']) {
        expect(json(entries, `node_modules/${name}/package.json`)?.['version'], `${functionName} ${name}`).toBeDefined();
      }
      const names = [...entries.keys()];
      const binding = names.filter((name) => /^node_modules\/@img\/sharp-linux-arm64\/lib\/sharp-linux-arm64[^/]*\.node$/.test(name));
      const libvips = names.filter((name) => /^node_modules\/@img\/sharp-libvips-linux-arm64\/lib\/libvips-cpp\.so[.\d]*$/.test(name));
      expect(binding, functionName).toHaveLength(1);
      expect(libvips, functionName).toHaveLength(1);
      // Every native file is a 64-bit ARM ELF (e_machine 183), x86-64 being 62.
      const natives = names.filter((name) => /\.node$|\.so(\.|$)/.test(name));
      expect(natives.sort(), functionName).toEqual([...binding, ...libvips].sort());
      for (const name of natives) expect(elfMachine(entries.get(name)!), `${functionName} ${name}`).toBe(EM_AARCH64);
      expect(
        names.filter((name) => /x64|x86_64|amd64/i.test(name)),
        functionName,
      ).toEqual([]);
    }
  });

  it('give processUploadedPhoto and reconcileUploads sharp, as their code imports it', () => {
    const importing = SHARP_FUNCTIONS.filter((name) => importsSharp.get(name));
    expect(importing).toEqual(SHARP_FUNCTIONS);
    for (const name of SHARP_FUNCTIONS) expect(packagesIn(zipOf(name).entries), name).toEqual(SHARP_TREE);
  });

  it('keep the HTTP functions free of sharp and of any node_modules/', () => {
    const http = zips.filter((zip) => zip.handlerFile.includes('/src/http/'));
    expect(http.map((zip) => zip.functionName)).toContain('initiateUpload');
    for (const zip of http) {
      expect(importsSharp.get(zip.functionName), zip.functionName).toBe(false);
      expect([...zip.entries.keys()], zip.functionName).toEqual([zip.handlerFile]);
    }
  });

  it('are the zips osls hashed into the template (CodeSha256): sharp was added before, not after', async () => {
    for (const zip of zips) {
      const sha256 = createHash('sha256')
        .update(await readFile(zip.file))
        .digest('base64');
      expect(sha256, zip.functionName).toBe(zip.codeSha256);
    }
  });
});

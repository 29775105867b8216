// osls plugin: puts sharp, built for Lambda (linux arm64), into the zip of every function whose
// bundle imports it. serverless.yml lists it after serverless-esbuild.
//
// Why not serverless-esbuild's `external`: its npm packager installs the externals in its build
// folder with `npm ci` (installExtraArgs can add `--os=linux --cpu=arm64 --offline`), then runs
// `npm prune` without those flags, which swaps in this machine's x64 build (tried: the zips got
// @img/sharp-linux-x64); `packagerOptions.noInstall` exists for yarn only. So serverless-esbuild
// leaves sharp unbundled and uninstalled (`exclude: ['sharp']`), and this plugin copies the tree
// the root `postinstall` installed here from this folder's lockfile with `--os=linux --cpu=arm64`
// (node_modules/ beside this file): sharp, @img/sharp-linux-arm64, @img/sharp-libvips-linux-arm64,
// @img/colour, detect-libc, semver. No npm, no network at package time.
//
// It rewrites the zips serverless-esbuild has just written, before osls hashes them
// (CodeSha256 in the template), so `osls package` and `osls deploy` both ship it.
'use strict';

const { createWriteStream } = require('node:fs');
const { readdir, readFile, rename, stat } = require('node:fs/promises');
const path = require('node:path');
const { pipeline } = require('node:stream/promises');
const esbuild = require('esbuild');
const yauzl = require('yauzl');
const yazl = require('yazl');

const TREE = path.join(__dirname, 'node_modules');
/** A bare import of sharp or of one of its subpaths. */
const SHARP = /^sharp(\/|$)/;

/** Whether a bundle (ESM) imports sharp, statically or with `import()`: esbuild's own account. */
async function importsSharp(code, file) {
  if (!code.includes('sharp')) return false; // most bundles: no need to parse them
  const result = await esbuild.build({
    stdin: { contents: code, sourcefile: file, loader: 'js' },
    bundle: true,
    write: false,
    metafile: true,
    external: ['*'],
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.inputs).some((input) => input.imports.some((imported) => SHARP.test(imported.path)));
}

/** Every file of the installed tree, as [absolute path, path inside the zip], sorted. */
async function treeFiles() {
  const packageJson = path.join(TREE, '@img', 'sharp-linux-arm64', 'package.json');
  if (!(await stat(packageJson).catch(() => null))) {
    throw new Error(
      `${path.relative(process.cwd(), packageJson)} is missing: run npm ci (the root postinstall installs packaging/lambda-sharp for linux/arm64)`,
    );
  }
  const files = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push([full, `node_modules/${path.relative(TREE, full).split(path.sep).join('/')}`]);
    }
  };
  for (const entry of await readdir(TREE, { withFileTypes: true })) {
    // npm's own bookkeeping, not packages.
    if (entry.name === '.bin' || entry.name === '.package-lock.json') continue;
    if (entry.isDirectory()) await walk(path.join(TREE, entry.name));
  }
  if (files.some(([, name]) => /x64|x86_64/.test(name))) throw new Error(`${TREE} holds x64 files: reinstall it with npm ci at the root`);
  return files.sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The zip's entries with their content, in order. */
async function readZip(file) {
  const zip = await yauzl.openPromise(file);
  const entries = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const chunks = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk);
      entries.push({
        name: entry.fileName,
        data: Buffer.concat(chunks),
        mtime: entry.getLastModDate(),
        mode: entry.externalFileAttributes >>> 16,
      });
    }
  } finally {
    zip.close();
  }
  return entries;
}

/** Writes `file` anew: its entries as they were, then the tree's files under node_modules/. */
async function rewriteZip(file, entries, files) {
  const out = new yazl.ZipFile();
  // The bundle's date on every added file: serverless-esbuild writes fixed dates, so the zip (and
  // its CodeSha256) only change when the content does.
  const mtime = entries[0]?.mtime ?? new Date(1980, 0, 1);
  for (const entry of entries) out.addBuffer(entry.data, entry.name, { mtime, ...(entry.mode ? { mode: entry.mode } : {}) });
  for (const [full, name] of files) out.addBuffer(await readFile(full), name, { mtime, mode: (await stat(full)).mode });
  out.end();
  const temporary = `${file}.tmp`;
  await pipeline(out.outputStream, createWriteStream(temporary));
  await rename(temporary, file);
}

class LambdaSharpPlugin {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options;
    this.log = log;
    // The hooks in which serverless-esbuild writes the zips (it is listed first, so it runs first).
    this.hooks = {
      'before:package:createDeploymentArtifacts': () => this.addSharp(),
      'before:deploy:function:packageFunction': () => this.addSharp(),
    };
  }

  async addSharp() {
    const { service } = this.serverless;
    const serviceDir = this.serverless.serviceDir ?? this.serverless.config.servicePath;
    const names = this.options.function ? [this.options.function] : service.getAllFunctions();
    let files;
    for (const name of names) {
      const artifact = service.getFunction(name).package?.artifact;
      if (!artifact) throw new Error(`${name} has no zip yet: list ${path.basename(__filename)} after serverless-esbuild in plugins`);
      const zipPath = path.resolve(serviceDir, artifact);
      const entries = await readZip(zipPath);
      const bundles = entries.filter((entry) => !entry.name.startsWith('node_modules/') && /\.[cm]?js$/.test(entry.name));
      let needed = false;
      for (const bundle of bundles) needed ||= await importsSharp(bundle.data.toString('utf8'), bundle.name);
      if (!needed) continue;
      if (entries.some((entry) => entry.name.startsWith('node_modules/')))
        throw new Error(`${artifact} already has node_modules/: this plugin expects serverless-esbuild to add none`);
      files ??= await treeFiles();
      await rewriteZip(zipPath, entries, files);
      this.log?.verbose?.(`lambda-sharp: added sharp (linux arm64, ${files.length} files) to ${name}`);
    }
  }
}

module.exports = LambdaSharpPlugin;

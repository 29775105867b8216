import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const SRC_DIR = fileURLToPath(new URL('./', import.meta.url));
/** Where `npm run build -w @event-photos/web` writes the static site (gitignored). */
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

export interface BuiltFile {
  contents: Uint8Array;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Bundles the app (esbuild) and returns the static site by file name: index.html, app.js,
 * styles.css and their source maps. `write: true` also writes them to dist/ (config.json is
 * not part of the build: it is per deployment).
 */
export async function buildWebApp({ write = false }: { write?: boolean } = {}): Promise<Map<string, BuiltFile>> {
  const result = await build({
    absWorkingDir: path.resolve(SRC_DIR, '..'),
    entryPoints: {
      app: path.join(SRC_DIR, 'app/main.ts'),
      styles: path.join(SRC_DIR, 'app/styles.css'),
      // The optional Uppy example: its own page and bundle, never loaded by the app.
      'examples/uppy': path.join(SRC_DIR, 'examples/uppy/uppy-example.ts'),
    },
    outdir: DIST_DIR,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const files = new Map<string, BuiltFile>();
  const add = (name: string, contents: Uint8Array) =>
    files.set(name, { contents, contentType: CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream' });
  for (const file of result.outputFiles) add(path.relative(DIST_DIR, file.path).split(path.sep).join('/'), file.contents);
  add('index.html', await readFile(path.join(SRC_DIR, 'index.html')));
  add('examples/uppy.html', await readFile(path.join(SRC_DIR, 'examples/uppy/index.html')));

  if (write) {
    await rm(DIST_DIR, { recursive: true, force: true });
    await mkdir(DIST_DIR, { recursive: true });
    await mkdir(path.join(DIST_DIR, 'examples'), { recursive: true });
    for (const [name, file] of files) await writeFile(path.join(DIST_DIR, name), file.contents);
  }
  return files;
}

/**
 * The JavaScript the app sends to a browser, gzipped at level 9 as a CDN would: not the source
 * maps (only developer tools fetch them), not the optional examples (pages of their own).
 */
export function appJavaScriptGzipBytes(files: Map<string, BuiltFile>): number {
  let total = 0;
  for (const [name, file] of files)
    if (name.endsWith('.js') && !name.startsWith('examples/')) total += gzipSync(file.contents, { level: 9 }).length;
  return total;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = await buildWebApp({ write: true });
  for (const [name, file] of files) {
    console.log(
      `${path.relative(process.cwd(), path.join(DIST_DIR, name))}  ${file.contents.length} bytes, ${gzipSync(file.contents, { level: 9 }).length} gzip`,
    );
  }
  console.log(
    `JavaScript the app sends to the browser: ${(appJavaScriptGzipBytes(files) / 1000).toFixed(1)} kB gzip (without the optional examples/)`,
  );
}

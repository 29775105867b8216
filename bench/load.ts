// The local stack under load: uploads through the full flow (initiate-upload, presigned PUT, S3
// event, processing) at a fixed concurrency, from a load generator in another process on the same
// machine (bench/load-client.ts).
//   npx tsx bench/load.ts [--photos 400] [--concurrency 16] [--undeclared]
// Figures: photos/s from the first initiate to the last record written; PUT-to-ready latency
// (from the PUT's 200 to the record's createdAt, written when processing accepted the object);
// lost (a PUT answered 200 and no record came) and duplicated (two records for one object).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalStack, writeOutputs } from '@event-photos/local-stack';

export interface LoadResult {
  photos: number;
  concurrency: number;
  /** Whether initiate-upload got each file's SHA-256 (as @event-photos/client sends it). */
  declaredSha256: boolean;
  bytes: number;
  seconds: number;
  photosPerSecond: number;
  putToReadyMs: { p50: number | null; p95: number | null; max: number | null };
  lost: number;
  duplicated: number;
}

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Starts a fresh stack, runs the load generator against it, stops the stack. */
export async function runLoad({ photos, concurrency, declareSha256 = true }: { photos: number; concurrency: number; declareSha256?: boolean }): Promise<LoadResult> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-load-'));
  const stack = await startLocalStack({ dataDir, environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    const outputsFile = path.join(dataDir, 'outputs.json');
    await writeOutputs(outputsFile, stack.outputs);
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(TSX, [CLIENT, outputsFile, String(photos), String(concurrency), String(64 * 1024), declareSha256 ? 'declare' : 'undeclared'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the load generator exited with ${code}`))));
    });
    return JSON.parse(output.trim().split('\n').at(-1)!) as LoadResult;
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { photos: { type: 'string', default: '400' }, concurrency: { type: 'string', default: '16' }, undeclared: { type: 'boolean', default: false } } });
  console.log(JSON.stringify(await runLoad({ photos: Number(values.photos), concurrency: Number(values.concurrency), declareSha256: !values.undeclared }), null, 2));
}

// One `npm run package` per test run, shared by the tests that read what it writes
// (templates.integration.test.ts: the CloudFormation; lambda-package.integration.test.ts: the
// zips). vitest runs each file in its own module graph, so the sharing goes through a marker file:
// the first file to call packageOnce() packages and records the run's id (scripts/test-run-id.ts);
// a later file of the same run finds it and reads the same output. A file run alone packages.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const API_PACKAGE_DIR = path.join(ROOT, '.serverless-api');
export const INFRA_PACKAGE_DIR = path.join(ROOT, '.serverless-infra');
// Packaged as the README deploys: one origin for both stacks' CORS, alarms to a topic.
export const WEB_ORIGIN = 'https://photos.example.test';
export const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:event-photos-ops';

const ARGS = ['run', 'package', '--', `--param=webOrigin=${WEB_ORIGIN}`, `--param=alarmTopicArn=${ALARM_TOPIC}`];
const MARKER = path.join(ROOT, 'node_modules', '.cache', 'event-photos', 'package-run.json');
/** Above the 2 x 150 s step limit of scripts/package.mjs. */
export const PACKAGE_TIMEOUT_MS = 360_000;

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

/** What a run recorded: its id and arguments, and what packaging left in its temp folder. */
interface Marker {
  stamp: string;
  leftInTemp: string[];
}

/**
 * Both stacks packaged (`.serverless-infra/`, `.serverless-api/`) in this test run; answers what
 * the packaging left in the temp folder (it runs with a temp folder of its own, then removed).
 */
export async function packageOnce(): Promise<{ leftInTemp: string[] }> {
  const stamp = JSON.stringify({ runId: inject('testRunId'), args: ARGS });
  const outputs = [INFRA_PACKAGE_DIR, API_PACKAGE_DIR].map((dir) => path.join(dir, 'cloudformation-template-update-stack.json'));
  const done = await readFile(MARKER, 'utf8')
    .then((text) => JSON.parse(text) as Marker)
    .catch(() => undefined);
  if (done?.stamp === stamp && outputs.every((file) => existsSync(file))) return { leftInTemp: done.leftInTemp };
  await rm(MARKER, { force: true });
  const temp = await mkdtemp(path.join(tmpdir(), 'package-once-'));
  try {
    await run('npm', ARGS, { ...process.env, TMPDIR: temp });
    const marker: Marker = { stamp, leftInTemp: await readdir(temp) };
    await mkdir(path.dirname(MARKER), { recursive: true });
    await writeFile(MARKER, JSON.stringify(marker));
    return { leftInTemp: marker.leftInTemp };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
// Packages both CloudFormation stacks offline with osls (the open-source Serverless Framework fork):
//   infra.serverless.yml -> .serverless-infra/   serverless.yml -> .serverless-api/
// Needs no AWS credentials and no network: nothing here resolves `${cf:...}`/`${ssm:...}`
// (cross-stack values are `Fn::ImportValue`, resolved by CloudFormation at deploy time), and
// sharp's linux-arm64 build comes from disk: the osls plugin in packaging/lambda-sharp copies what
// the root postinstall installed there into the zips of the functions that import sharp.
//
//   npm run package [-- --stage prod --region eu-central-1]
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin');
const osls = path.join(bin, process.platform === 'win32' ? 'osls.cmd' : 'osls');

const stacks = [
  { name: 'infra', config: 'infra.serverless.yml', dir: '.serverless-infra' },
  { name: 'api', config: 'serverless.yml', dir: '.serverless-api' },
];

// Extra arguments (e.g. --stage, --region, --param) are passed to every `osls package`.
const extraArgs = process.argv.slice(2);

const env = {
  ...process.env,
  // Local binaries (osls, esbuild, and the Node 22 of the `node` devDependency) come first.
  PATH: [bin, process.env.PATH ?? ''].join(path.delimiter),
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  // Packaging never talks to AWS. Real credentials, if any are set, are kept out of the child so
  // nothing can use them; osls does not need credentials for `package`.
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
};
for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

// serverless-esbuild zips each function from a copy in the temp folder and never removes the copy
// (its cleanup is a non-recursive remove, whose failure it ignores): ~0.5 MiB per function and run.
// osls gets a temp folder of its own, removed when this script ends.
const scratch = await mkdtemp(path.join(os.tmpdir(), 'event-photos-package-'));
env.TMPDIR = scratch;
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

// osls does not always exit after a failure: when esbuild reports a build error, osls prints its
// error but its esbuild service child keeps it alive forever. So osls runs in its own process
// group; once it has printed an error banner (a line `Error:`) it gets a short grace period, and
// every step has an overall time limit. Then the whole group is killed and this script fails.
const STEP_TIMEOUT_MS = Number(process.env.PACKAGE_STEP_TIMEOUT_MS ?? 150_000);
const ERROR_GRACE_MS = 10_000;
let current;

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    current = child;
    let failure;
    let graceTimer;
    const stop = (reason) => {
      failure ??= reason;
      killGroup(child);
    };
    const stepTimer = setTimeout(() => stop(`timed out after ${STEP_TIMEOUT_MS / 1000} s`), STEP_TIMEOUT_MS);
    const watch = (stream, out) => {
      let tail = '';
      stream.on('data', (chunk) => {
        out.write(chunk);
        tail = (tail + chunk.toString()).slice(-4096);
        if (!graceTimer && /^Error:/m.test(tail)) {
          graceTimer = setTimeout(() => stop('reported an error and did not exit'), ERROR_GRACE_MS);
        }
      });
    };
    watch(child.stdout, process.stdout);
    watch(child.stderr, process.stderr);
    child.on('error', reject);
    // `exit`, not `close`: a leftover grandchild may hold the pipes open. It is killed with the group.
    child.on('exit', (code, signal) => {
      clearTimeout(stepTimer);
      clearTimeout(graceTimer);
      killGroup(child);
      current = undefined;
      if (code === 0 && !failure) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} failed (${failure ?? signal ?? `exit code ${code}`})`));
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current) killGroup(current);
    process.exit(1);
  });
}

async function main() {
  if (!existsSync(osls)) throw new Error(`${osls} not found: run npm install`);
  // serverless-esbuild's work dir: a stale one can leak old files into the zips.
  await rm(path.join(root, '.esbuild'), { recursive: true, force: true });

  const templates = [];
  for (const stack of stacks) {
    await rm(path.join(root, stack.dir), { recursive: true, force: true });
    console.log(`\n> osls package --config ${stack.config} --package ${stack.dir} ${extraArgs.join(' ')}`.trimEnd());
    await run(osls, ['package', '--config', stack.config, '--package', stack.dir, ...extraArgs]);
    const template = path.join(root, stack.dir, 'cloudformation-template-update-stack.json');
    if (!existsSync(template)) throw new Error(`osls did not write ${template}`);
    templates.push({ ...stack, template });
  }

  console.log('\nCloudFormation templates:');
  for (const { name, template } of templates) console.log(`  ${name.padEnd(5)} ${path.relative(root, template)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

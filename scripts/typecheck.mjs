// npm run typecheck: the root tsconfig.json (tests and tooling) and every workspace's own configs
// (browser code with DOM types and no Node types, Lambda code the reverse), two at a time.
import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configs = ['tsconfig.json', ...globSync('{packages,services,tests}/*/tsconfig*.json', { cwd: root }).sort()];
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

const check = (config) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', config, '--noEmit', '--pretty'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ config, code, output }));
  });

const pending = [...configs];
const failed = [];
await Promise.all(
  [1, 2].map(async () => {
    for (let config = pending.shift(); config; config = pending.shift()) {
      const result = await check(config);
      if (result.code !== 0) failed.push(result);
    }
  }),
);
for (const { config, output } of failed) process.stdout.write(`\n${config}\n${output}`);
console.log(`typecheck: ${configs.length - failed.length} of ${configs.length} configs pass`);
process.exitCode = failed.length > 0 ? 1 : 0;

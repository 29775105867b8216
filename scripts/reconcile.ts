// `npm run reconcile`: runs the reconcileUploads function against the running local stack
// (`npm start`), the same code that runs on AWS (`npx osls invoke -f reconcileUploads`).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, createInvoker, functionEnvironment, readServerlessApp, type LocalStackOutputs } from '@event-photos/local-stack';

const outputsFile = path.join(REPO_ROOT, '.local', 'outputs.json');
const outputs = JSON.parse(await readFile(outputsFile, 'utf8').catch(() => {
  throw new Error(`${outputsFile} not found: start the local stack first (npm start)`);
})) as LocalStackOutputs;
Object.assign(process.env, functionEnvironment(outputs));

const invoke = createInvoker(await readServerlessApp(REPO_ROOT));
console.log(JSON.stringify(await invoke('reconcileUploads', {}), null, 2));

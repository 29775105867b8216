// `npm run reconcile`: runs the reconcileUploads function against the running local stack
// (`npm start`), the same code that runs on AWS (`npx osls invoke -f reconcileUploads`).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, functionEnvironment, lambdaContext, loadHandler, readServerlessApp, type LocalStackOutputs } from '@event-photos/local-stack';

const outputsFile = path.join(REPO_ROOT, '.local', 'outputs.json');
const outputs = JSON.parse(await readFile(outputsFile, 'utf8').catch(() => {
  throw new Error(`${outputsFile} not found: start the local stack first (npm start)`);
})) as LocalStackOutputs;
Object.assign(process.env, functionEnvironment(outputs));

const app = await readServerlessApp(REPO_ROOT);
const spec = app.functions.get('reconcileUploads');
if (!spec) throw new Error('serverless.yml declares no reconcileUploads function');
const handler = await loadHandler(spec);
console.log(JSON.stringify(await handler({}, lambdaContext(spec.name, spec.timeoutSeconds)), null, 2));

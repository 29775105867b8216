// `npm run reconcile`: runs the reconcileUploads function against the running local stack
// (`npm start`), the same code that runs on AWS (`npx osls invoke -f reconcileUploads`).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, localResourcesOf, prepareLocalFunctions, startLocalFunctions, type LocalStackOutputs } from '@event-photos/local-stack';

const outputsFile = path.resolve(process.env['LOCAL_DATA_DIR'] ?? path.join(REPO_ROOT, '.local'), 'outputs.json');
const outputs = JSON.parse(
  await readFile(outputsFile, 'utf8').catch(() => {
    throw new Error(`${outputsFile} not found: start the local stack first (npm start)`);
  }),
) as LocalStackOutputs;

// A stale outputs file after the stack stopped: say so, rather than a connection stack trace.
await fetch(outputs.s3Endpoint).catch(() => {
  console.error(`Nothing answers at ${outputs.s3Endpoint}: start the local stack first (npm start)`);
  process.exit(1);
});

const functions = await startLocalFunctions({ prepared: prepareLocalFunctions(REPO_ROOT), local: localResourcesOf(outputs) });
try {
  console.log(JSON.stringify(await functions.invoke('reconcileUploads', {}), null, 2));
} finally {
  await functions.close();
}

// One Lambda instance: a worker thread with its own module state (the handler and everything it
// imports, loaded fresh: its own logger, SDK clients and config), serving one invocation at a
// time, as a Lambda execution environment does. Plain JavaScript: it registers the TypeScript
// loader before anything TypeScript is imported.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { lambdaContext } = await import('@event-photos/testing');
const { spec, region } = workerData;

const serializeError = (error) =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };

let handler;
let initError;
try {
  const module = await import(pathToFileURL(spec.file).href);
  handler = module[spec.exportName];
  if (typeof handler !== 'function') throw new Error(`${spec.file} does not export a function named ${spec.exportName}`);
} catch (error) {
  // Lambda reports an init failure on the invocation that triggered it (Runtime.ImportModuleError).
  initError = serializeError(error);
}

parentPort.on('message', async ({ requestId, event }) => {
  if (initError) return parentPort.postMessage({ requestId, error: initError, fatal: true });
  const context = lambdaContext({ functionName: spec.name, timeoutSeconds: spec.timeoutSeconds, memoryMB: spec.memoryMB, region, requestId });
  try {
    parentPort.postMessage({ requestId, result: await handler(event, context) });
  } catch (error) {
    parentPort.postMessage({ requestId, error: serializeError(error) });
  }
});
parentPort.postMessage({ ready: true });

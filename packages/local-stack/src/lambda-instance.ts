// One Lambda instance: runs in a worker thread with its own module state (the function's bundle
// and everything in it, loaded fresh: its own logger, SDK clients and config), serving one
// invocation at a time, as a Lambda execution environment does. Bundled with the functions.
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { lambdaContext } from '@event-photos/testing';
import { nameThisThread } from '#lib/thread-name';

interface InstanceData {
  name: string;
  bundle: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMB: number;
  region: string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const data = workerData as InstanceData;
const port = parentPort!;
// fn:initiateUpload, fn:processUploadedPhoto (cut at 15 bytes): which function a thread runs.
nameThisThread(`fn:${data.name}`);

const serializeError = (error: unknown) =>
  error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'Error', message: String(error) };

let handler: Handler | undefined;
let initError: ReturnType<typeof serializeError> | undefined;
try {
  const module = (await import(pathToFileURL(data.bundle).href)) as Record<string, unknown>;
  const exported = module[data.exportName];
  if (typeof exported !== 'function') throw new Error(`${data.name} does not export a function named ${data.exportName}`);
  handler = exported as Handler;
} catch (error) {
  // Lambda reports an init failure on the invocation that triggered it (Runtime.ImportModuleError).
  initError = serializeError(error);
}

port.on('message', async ({ requestId, event }: { requestId: string; event: unknown }) => {
  if (!handler) return port.postMessage({ requestId, error: initError, fatal: true });
  const context = lambdaContext({
    functionName: data.name,
    timeoutSeconds: data.timeoutSeconds,
    memoryMB: data.memoryMB,
    region: data.region,
    requestId,
  });
  try {
    port.postMessage({ requestId, result: await handler(event, context) });
  } catch (error) {
    port.postMessage({ requestId, error: serializeError(error) });
  }
});
port.postMessage({ ready: true });

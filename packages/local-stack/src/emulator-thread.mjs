// Runs one emulator (S3, DynamoDB) in a worker thread of its own, so that the emulators, the
// gateway and the functions do not share one event loop. Plain JavaScript: it registers the
// TypeScript loader before the emulator's module is imported. Callbacks (S3 events, log lines)
// become messages; the parent calls the emulator's methods (close, pause, resume) by message.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { module, exportName, options, callbacks = [], threadName } = workerData;
(await import('./thread-name.ts')).nameThisThread(threadName);
const relay = Object.fromEntries(callbacks.map((name) => [name, (...args) => parentPort.postMessage({ type: 'callback', name, args })]));
try {
  const emulator = await (await import(module))[exportName]({ ...options, ...relay });
  parentPort.on('message', async ({ id, method }) => {
    try {
      const value = await emulator[method]();
      parentPort.postMessage({ type: 'result', id, value });
    } catch (error) {
      parentPort.postMessage({ type: 'result', id, error: String(error) });
    }
  });
  parentPort.postMessage({ type: 'ready', endpoint: emulator.endpoint });
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: error instanceof Error ? error.stack : String(error) });
}

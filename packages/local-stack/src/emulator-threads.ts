import { Worker } from 'node:worker_threads';

const THREAD = new URL('./emulator-thread.mjs', import.meta.url);

type Callbacks = Record<string, (...args: any[]) => void>;

/** startS3 -> s3, startDynamoDb -> dynamodb: the thread's name in `top -H`. */
const threadNameOf = (exportName: string) => exportName.replace(/^start/, '').toLowerCase();

/**
 * Starts `exportName(options)` of a module in a worker thread (emulator-thread.mjs). `callbacks`
 * are the functions in its options, called back here; `methods` are what the parent may call.
 * The answer looks like the emulator itself: `endpoint` plus those methods.
 */
export async function startInThread<M extends string>(
  module: URL,
  exportName: string,
  options: Record<string, unknown>,
  callbacks: Callbacks,
  methods: readonly M[],
): Promise<{ endpoint: string } & Record<M | 'close', () => Promise<unknown>>> {
  const worker = new Worker(THREAD, {
    workerData: { module: module.href, exportName, options, callbacks: Object.keys(callbacks), threadName: threadNameOf(exportName) },
    execArgv: [],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 0;
  const endpoint = await new Promise<string>((resolve, reject) => {
    worker.on(
      'message',
      (message: { type: string; endpoint?: string; error?: string; id?: number; name?: string; args?: unknown[]; value?: unknown }) => {
        if (message.type === 'ready') resolve(message.endpoint!);
        else if (message.type === 'failed') reject(new Error(`${exportName} failed in its thread: ${message.error}`));
        else if (message.type === 'callback') callbacks[message.name!]?.(...message.args!);
        else if (message.type === 'result') {
          const call = pending.get(message.id!);
          pending.delete(message.id!);
          if (message.error) call?.reject(new Error(message.error));
          else call?.resolve(message.value);
        }
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`${exportName}: its thread exited (code ${code})`));
      for (const call of pending.values()) call.reject(new Error(`${exportName}: its thread exited`));
    });
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method });
    });
  const proxies = Object.fromEntries(methods.map((method) => [method, () => call(method)])) as Record<M, () => Promise<unknown>>;
  return {
    endpoint,
    ...proxies,
    async close() {
      await call('close').catch(() => undefined);
      await worker.terminate();
    },
  };
}

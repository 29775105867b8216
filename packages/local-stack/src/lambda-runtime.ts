import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { FunctionBundles } from '#lib/function-bundles';
import type { FunctionSpec, ServerlessApp } from '#lib/serverless-functions';

/** Invokes a function of the app by name, like the Lambda service. */
export type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

export interface LambdaRuntimeOptions {
  region: string;
  /** Each function's bundle, and the instance runner (see function-bundles.ts). */
  bundles: Pick<FunctionBundles, 'files' | 'instance'>;
  /** The environment each instance of a function starts with. */
  environment(spec: FunctionSpec): Record<string, string>;
  /** Where a function's stdout/stderr lines go (its CloudWatch log stream); default: this process's stdout. */
  onLog?(functionName: string, line: string): void;
  /** Concurrent instances per function; further invocations wait for one to be free. Default: two per core, at most 8. */
  maxInstances?: number;
}

export interface LambdaRuntime {
  invoke: Invoke;
  /** Stops every instance. */
  close(): Promise<void>;
}

/** What an instance posts back for one invocation (lambda-instance.ts). */
interface Answer {
  requestId?: string;
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
  /** The handler could not be loaded: the instance is of no further use. */
  fatal?: boolean;
}

interface Instance {
  worker: Worker;
  ready: Promise<void>;
  busy: boolean;
}

/**
 * Runs each function as Lambda does: in instances (worker threads) with their own module state
 * and environment, one invocation per instance at a time, created on demand (a cold start) and
 * reused while warm. A timed-out or crashed instance is discarded. Workers use every core.
 */
export function createLambdaRuntime(app: ServerlessApp, options: LambdaRuntimeOptions): LambdaRuntime {
  // Two per core keep the cores busy while instances wait on the emulators; more only cost (each loads
  // and JIT-compiles its bundle in an isolate of its own): on 2 cores, 8 took 12% more CPU per photo
  // than 4. At most 8 on any machine: a processing instance may hold a photo's ~300 MiB render.
  const maxInstances = options.maxInstances ?? Math.min(8, 2 * availableParallelism());
  const pools = new Map<string, { instances: Set<Instance>; waiting: Array<() => void> }>();
  const onLog = options.onLog ?? ((_name: string, line: string) => void process.stdout.write(`${line}\n`));
  let closed = false;

  const start = (spec: FunctionSpec): Instance => {
    const bundle = options.bundles.files.get(spec.name);
    if (!bundle) throw new Error(`No bundle for ${spec.name}`);
    const worker = new Worker(options.bundles.instance, {
      workerData: {
        name: spec.name,
        bundle,
        exportName: spec.exportName,
        timeoutSeconds: spec.timeoutSeconds,
        memoryMB: spec.memoryMB,
        region: options.region,
      },
      env: options.environment(spec),
      execArgv: ['--enable-source-maps'],
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => onLog(spec.name, line));
    }
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`${spec.name}: the instance exited during init (code ${code})`)));
    });
    ready.catch(() => undefined);
    return { worker, ready, busy: true };
  };

  const acquire = async (spec: FunctionSpec): Promise<Instance> => {
    let pool = pools.get(spec.name);
    if (!pool) pools.set(spec.name, (pool = { instances: new Set(), waiting: [] }));
    for (;;) {
      if (closed) throw new Error('The local Lambda runtime is closed');
      const idle = [...pool.instances].find((instance) => !instance.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (pool.instances.size < maxInstances) {
        const instance = start(spec);
        pool.instances.add(instance);
        return instance;
      }
      await new Promise<void>((resolve) => pool.waiting.push(resolve));
    }
  };

  const release = (spec: FunctionSpec, instance: Instance, discard: boolean) => {
    const pool = pools.get(spec.name)!;
    instance.busy = false;
    if (discard) {
      pool.instances.delete(instance);
      void instance.worker.terminate();
    } else {
      instance.worker.unref(); // a warm instance does not keep the process alive
    }
    pool.waiting.shift()?.();
  };

  const invoke: Invoke = async (functionName, event) => {
    const spec = app.functions.get(functionName);
    if (!spec) throw new Error(`serverless.yml declares no function ${functionName}`);
    const instance = await acquire(spec);
    instance.worker.ref();
    let discard = true;
    try {
      await instance.ready;
      const requestId = randomUUID();
      const answer = await new Promise<Answer>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${functionName}: Task timed out after ${spec.timeoutSeconds}.00 seconds`));
        }, spec.timeoutSeconds * 1000);
        const onMessage = (message: Answer) => {
          if (message.requestId !== requestId) return;
          cleanup();
          resolve(message);
        };
        const onExit = (code: number) => {
          cleanup();
          reject(new Error(`${functionName}: the instance exited (code ${code}) during the invocation`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          instance.worker.off('message', onMessage);
          instance.worker.off('exit', onExit);
        };
        instance.worker.on('message', onMessage);
        instance.worker.on('exit', onExit);
        instance.worker.postMessage({ requestId, event });
      });
      discard = Boolean(answer.fatal);
      if (answer.error) throw Object.assign(new Error(answer.error.message), { name: answer.error.name, stack: answer.error.stack });
      return answer.result;
    } finally {
      release(spec, instance, discard);
    }
  };

  return {
    invoke,
    async close() {
      closed = true;
      const all = [...pools.values()].flatMap((pool) => [...pool.instances]);
      for (const pool of pools.values()) for (const wake of pool.waiting.splice(0)) wake();
      await Promise.all(all.map((instance) => instance.worker.terminate()));
    },
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctionBundles, type FunctionBundles } from '#lib/function-bundles';
import { createLambdaRuntime, type LambdaRuntime } from '#lib/lambda-runtime';
import type { FunctionSpec, ServerlessApp } from '#lib/serverless-functions';

// Handlers as files, so each instance really imports them (module state is what is under test).
const HANDLERS = {
  'counter.mjs': `const instanceId = Math.random();
let invocations = 0;
let inFlight = 0;
export const handler = async (event, context) => {
  invocations += 1;
  inFlight += 1;
  const concurrent = inFlight;
  await new Promise((resolve) => setTimeout(resolve, event.delayMs ?? 0));
  inFlight -= 1;
  return { instanceId, invocations, concurrent, functionName: context.functionName, requestId: context.awsRequestId, env: process.env.WHO, memory: context.memoryLimitInMB };
};`,
  'slow.mjs': `export const handler = () => new Promise(() => {});`,
  'broken.mjs': `throw new Error('PHOTOS_TABLE_NAME is not set');`,
  'fails.mjs': `let calls = 0; export const handler = async () => { calls += 1; const error = new Error('boom ' + calls); error.name = 'ConditionalCheckFailedException'; throw error; };`,
  'logs.mjs': `export const handler = async (event) => { console.log(JSON.stringify({ message: 'hello', from: process.env.WHO })); return 'ok'; };`,
};

let dir: string;
let runtime: LambdaRuntime;
let bundles: FunctionBundles;
const logs: Array<[string, string]> = [];

function spec(name: string, file: string, timeoutSeconds = 5): FunctionSpec {
  return { name, file: path.join(dir, file), exportName: 'handler', timeoutSeconds, memoryMB: 256, environment: {} };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'lambda-runtime-'));
  for (const [file, source] of Object.entries(HANDLERS)) await writeFile(path.join(dir, file), source);
  const functions = [
    spec('alpha', 'counter.mjs'),
    spec('beta', 'counter.mjs'),
    spec('slow', 'slow.mjs', 1),
    spec('broken', 'broken.mjs'),
    spec('fails', 'fails.mjs'),
    spec('logs', 'logs.mjs'),
  ];
  const app: ServerlessApp = {
    functions: new Map(functions.map((fn) => [fn.name, fn])),
    routes: [],
    s3Triggers: [],
    cors: undefined,
    authorizers: new Map(),
    esbuild: { bundle: true, format: 'esm', platform: 'node', outputFileExtension: '.mjs' },
  };
  bundles = await buildFunctionBundles(app);
  runtime = createLambdaRuntime(app, {
    region: 'local',
    bundles,
    environment: (fn) => ({ WHO: fn.name }),
    onLog: (name, line) => logs.push([name, line]),
    maxInstances: 3,
  });
});

afterAll(async () => {
  await runtime?.close();
  await bundles?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('local Lambda runtime', () => {
  it('gives each function its own module state, environment and context', async () => {
    const a = (await runtime.invoke('alpha', {})) as Record<string, unknown>;
    const b = (await runtime.invoke('beta', {})) as Record<string, unknown>;
    // Same file, but two functions: two module instances, each on its first invocation.
    expect(a).toMatchObject({ invocations: 1, functionName: 'alpha', env: 'alpha', memory: '256' });
    expect(b).toMatchObject({ invocations: 1, functionName: 'beta', env: 'beta' });
    expect(a['requestId']).not.toBe(b['requestId']);
  });

  it('reuses a warm instance, and runs concurrent invocations in separate instances (at most maxInstances)', async () => {
    const warm = (await runtime.invoke('alpha', {})) as { invocations: number };
    expect(warm.invocations).toBe(2);
    const results = (await Promise.all([1, 2, 3, 4, 5].map(() => runtime.invoke('beta', { delayMs: 100 })))) as Array<{
      instanceId: number;
      concurrent: number;
      requestId: string;
    }>;
    // Five at once with three instances: three instances, each serving one invocation at a time.
    expect(new Set(results.map((result) => result.requestId)).size).toBe(5);
    expect(new Set(results.map((result) => result.instanceId)).size).toBe(3);
    expect(results.map((result) => result.concurrent)).toEqual([1, 1, 1, 1, 1]);
  });

  it('times an invocation out after the function timeout and replaces the instance', async () => {
    const started = Date.now();
    await expect(runtime.invoke('slow', {})).rejects.toThrow('Task timed out after 1.00 seconds');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('reports an init failure on the invocation, with its message', async () => {
    await expect(runtime.invoke('broken', {})).rejects.toThrow('PHOTOS_TABLE_NAME is not set');
  });

  it("passes a handler's error on with its name, and keeps the instance", async () => {
    await expect(runtime.invoke('fails', {})).rejects.toMatchObject({ name: 'ConditionalCheckFailedException', message: 'boom 1' });
    await expect(runtime.invoke('fails', {})).rejects.toMatchObject({ message: 'boom 2' });
  });

  it("hands each function's log lines over under its own name", async () => {
    await Promise.all([runtime.invoke('logs', {}), runtime.invoke('logs', {})]);
    await expect.poll(() => logs.filter(([name]) => name === 'logs').length).toBe(2);
    for (const [name, line] of logs.filter(([, text]) => text.includes('hello'))) {
      expect(JSON.parse(line)).toEqual({ message: 'hello', from: name });
    }
  });

  it('refuses an unknown function', async () => {
    await expect(runtime.invoke('nope', {})).rejects.toThrow('serverless.yml declares no function nope');
  });
});

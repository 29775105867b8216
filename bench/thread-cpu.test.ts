import { describe, expect, it } from 'vitest';
import { cpuBetween, threadCpu, threadPart } from './thread-cpu.ts';

describe('thread CPU accounting', () => {
  it('names the part each local-stack thread runs', () => {
    expect(threadPart('node', true)).toMatch(/^main thread/);
    expect(threadPart('s3', false)).toMatch(/^S3/);
    expect(threadPart('dynamodb', false)).toMatch(/^DynamoDB/);
    expect(threadPart('fn:processUploa', false)).toBe('function processUploa');
    expect(threadPart('libuv-worker', false)).toMatch(/^thread pool/);
    expect(threadPart('node', false)).toMatch(/^V8/);
  });

  it.runIf(process.platform === 'linux')('counts the CPU this thread spends between two readings', async () => {
    const before = await threadCpu();
    const until = Date.now() + 300;
    while (Date.now() < until); // busy on the main thread
    const parts = cpuBetween(before, await threadCpu());
    expect(parts['main thread (gateway, Cognito, CDN, S3 events)']).toBeGreaterThanOrEqual(200);
  });
});

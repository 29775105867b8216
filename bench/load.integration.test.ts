import { describe, expect, it } from 'vitest';
import { runLoad } from './load.ts';

// The bench's load runs, small: each starts a stack and a load generator in another process, as
// `npm run bench` does, so the figures the README quotes come from code that CI runs.
describe('the load bench', () => {
  it('floods the stack and accounts for every photo, and for the CPU of each part', async () => {
    const run = await runLoad({ photos: 24, concurrency: 8, warmup: 8 });
    expect(run).toMatchObject({ mode: 'flood', photos: 24, concurrency: 8, declaredSha256: true, lost: 0, duplicated: 0 });
    expect(run.photosPerSecond).toBeGreaterThan(0);
    expect(run.putToReadyMs.p50).toBeGreaterThan(0);
    expect(run.maxAwaitingProcessing).toBeGreaterThan(0);
    expect(run.maxAwaitingProcessing).toBeLessThanOrEqual(24);
    if (process.platform === 'linux') expect(run.cpuMsPerPhoto['function processUploadedPhoto']).toBeGreaterThan(0);
    // Counted when the local stack keeps a count (stack.dynamodb.requestCounts); else it says why not.
    const requests = run.dynamodbRequests!;
    if ('perPhoto' in requests) expect(requests.perPhoto['TransactWriteItems']).toBeGreaterThan(0);
    else expect(requests.unavailable).toMatch(/requestCounts/);
  });

  it("with the web app's uploader, never has more photos awaiting processing than clients", async () => {
    const run = await runLoad({ photos: 24, concurrency: 4, warmup: 4, mode: 'uploader' });
    expect(run).toMatchObject({ mode: 'uploader', photos: 24, concurrency: 4, lost: 0, duplicated: 0 });
    expect(run.maxAwaitingProcessing).toBeGreaterThan(0);
    expect(run.maxAwaitingProcessing).toBeLessThanOrEqual(4);
    // Its slots poll GET photo until ready, as waitForPhoto does.
    if (process.platform === 'linux') expect(run.cpuMsPerPhoto['function getPhoto']).toBeGreaterThan(0);
  });
});

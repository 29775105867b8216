import { describe, expect, it } from 'vitest';
import { readStageThrottling, RouteBuckets } from '#lib/gateway-throttling';
import { REPO_ROOT } from '#lib/stack';

describe('stage throttling', () => {
  it("reads serverless.yml's HttpApiStage route settings", async () => {
    expect(await readStageThrottling(REPO_ROOT)).toMatchObject({
      default: { rateLimit: 500, burstLimit: 1000 },
      routes: {
        'POST /events/{eventId}/photos/initiate-upload': { rateLimit: 50, burstLimit: 100 },
        'POST /events/{eventId}/photos/batch-delete': { rateLimit: 5, burstLimit: 10 },
      },
    });
  });

  it('is a token bucket per route: a burst, then the steady rate', () => {
    let now = 0;
    const buckets = new RouteBuckets(
      { default: { rateLimit: 100, burstLimit: 100 }, routes: { 'POST /slow': { rateLimit: 2, burstLimit: 3 } } },
      () => now,
    );
    const burst = Array.from({ length: 5 }, () => buckets.take('POST /slow'));
    expect(burst).toEqual([true, true, true, false, false]);
    // The default route's bucket is its own.
    expect(buckets.take('GET /other')).toBe(true);
    now += 400; // 0.8 tokens
    expect(buckets.take('POST /slow')).toBe(false);
    now += 100; // 1 token
    expect(buckets.take('POST /slow')).toBe(true);
    now += 60_000; // never more than the burst
    expect(Array.from({ length: 4 }, () => buckets.take('POST /slow'))).toEqual([true, true, true, false]);
  });

  it('lets everything through without settings', () => {
    const buckets = new RouteBuckets({ routes: {} });
    expect(Array.from({ length: 1000 }, () => buckets.take('POST /x')).every(Boolean)).toBe(true);
  });
});

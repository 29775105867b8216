import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '#lib/errors';
import { isRetryable, THROTTLED, withRetry } from '#lib/retry';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const network = () => new ApiError(0, 'NetworkError', 'Could not reach the photos API: Failed to fetch');
const throttled = (retryAfterSeconds?: number) =>
  new ApiError(429, THROTTLED, 'Too Many Requests', retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

/** An attempt that fails with these errors in turn, then answers 'ok'. */
function failing(...errors: unknown[]) {
  return vi.fn(async () => {
    const error = errors.shift();
    if (error !== undefined) throw error;
    return 'ok';
  });
}

describe('isRetryable', () => {
  it("retries the network, 5xx and API Gateway's throttling; never the API's own 429s or other 4xx", () => {
    expect(isRetryable(network())).toBe(true);
    expect(isRetryable(new ApiError(503, 'SlowDown', 'Please reduce your request rate.'))).toBe(true);
    expect(isRetryable(throttled())).toBe(true);
    expect(isRetryable(new ApiError(429, 'QuotaExceeded', 'Over the hourly upload quota', { retryAfterSeconds: 600 }))).toBe(false);
    expect(isRetryable(new ApiError(429, 'TooManyRequests', 'Too many join attempts'))).toBe(false);
    expect(isRetryable(new ApiError(409, 'EventClosed', 'closed'))).toBe(false);
    expect(isRetryable(new Error('boom'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('waits at least as long as Retry-After says', async () => {
    vi.useFakeTimers();
    const attempt = failing(throttled(7));
    const delays: number[] = [];
    const result = withRetry(attempt, { delaysMs: [10], onRetry: (_error, _n, delayMs) => delays.push(delayMs) });
    await vi.advanceTimersByTimeAsync(6_900);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(await result).toBe('ok');
    expect(delays).toEqual([7000]);
  });

  it('with a backoff, keeps trying for as long as it says, the waits doubling up to their cap', async () => {
    vi.useFakeTimers();
    const attempt = vi.fn(async () => {
      throw network();
    });
    const delays: number[] = [];
    const result = withRetry(attempt, {
      backoff: { firstDelayMs: 1000, maxDelayMs: 30_000, forMs: 600_000 },
      onRetry: (_error, _n, delayMs) => delays.push(delayMs),
    });
    const settled = result.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(700_000);
    expect(await settled).toBeInstanceOf(ApiError);
    // Jitter is ±25%: 1, 2, 4, 8, 16 s, then 30 s each, until ten minutes of failing are over.
    expect(delays.slice(0, 5).map((delay, n) => delay / 2 ** n / 1000)).toEqual(delays.slice(0, 5).map(() => expect.closeTo(1, 0)));
    expect(Math.max(...delays)).toBeLessThanOrEqual(30_000 * 1.25);
    const spent = delays.slice(0, -1).reduce((sum, delay) => sum + delay, 0);
    expect(spent).toBeLessThan(600_000);
    expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThanOrEqual(600_000);
    expect(attempt.mock.calls.length).toBeGreaterThan(20);
  });

  it('while the browser is offline, waits for `online` without using up its retries', async () => {
    const window = new EventTarget();
    const navigator = { onLine: false };
    vi.stubGlobal('navigator', navigator);
    vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
    vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
    const attempt = failing(network(), network(), network());
    const delays: number[] = [];
    const result = withRetry(attempt, { delaysMs: [], waitWhileOffline: true, onRetry: (_error, _n, delayMs) => delays.push(delayMs) });
    for (let n = 1; n <= 3; n++) {
      await vi.waitFor(() => expect(attempt).toHaveBeenCalledTimes(n));
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(attempt).toHaveBeenCalledTimes(n); // waiting, not trying
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
      navigator.onLine = n === 3;
    }
    expect(await result).toBe('ok');
    expect(delays).toEqual([0, 0, 0]);
  });

  it('gives up at once on an error that is not worth repeating', async () => {
    const attempt = failing(new ApiError(429, 'QuotaExceeded', 'Over the hourly upload quota', { retryAfterSeconds: 1 }));
    await expect(withRetry(attempt, { delaysMs: [1, 1] })).rejects.toMatchObject({ code: 'QuotaExceeded' });
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});

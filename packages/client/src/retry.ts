import { ApiError } from '#lib/errors';

/** Waits between attempts: 3 retries, about 0.5 s, 1.5 s and 4 s (with jitter, so clients spread out). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [500, 1500, 4000];

/** A request worth repeating: no answer at all (network) or a server error. Never a 4xx: the same request would be refused again. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/**
 * Runs `attempt` (given its attempt number, 1-based) until it succeeds, fails for good, runs out
 * of `delaysMs` or the signal aborts.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  {
    delaysMs = DEFAULT_RETRY_DELAYS_MS,
    signal,
    onRetry,
  }: { delaysMs?: readonly number[]; signal?: AbortSignal | undefined; onRetry?: (error: unknown, n: number) => void } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const delay = delaysMs[n - 1];
      if (delay === undefined || !isRetryable(error) || signal?.aborted) throw error;
      onRetry?.(error, n);
      await sleep(delay * (0.75 + Math.random() * 0.5), signal);
    }
  }
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

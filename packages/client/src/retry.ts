import { ApiError } from '#lib/errors';

/** Waits between attempts: 3 retries, about 0.5 s, 1.5 s and 4 s (with jitter, so clients spread out). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [500, 1500, 4000];

/**
 * The code of API Gateway's own 429 (its body is `{"message":"Too Many Requests"}`, without the
 * API's error envelope): the stage or route was over its rate, no function ran. Not the API's own
 * 429s (QuotaExceeded, TooManyRequests), which waiting a few seconds does not cure.
 */
export const THROTTLED = 'Throttled';

/** Retry-After longer than this is not waited for within one attempt chain (the API's quota hours are not retried anyway). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * A request worth repeating: no answer at all (network), a server error, or API Gateway's
 * throttling. Never another 4xx: the same request would be refused again (our own quota answers
 * included).
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500 || (error.status === 429 && error.code === THROTTLED));
}

/** Exponential backoff that goes on for a while (a dead network, a busy event) rather than a few times. */
export interface Backoff {
  /** The first wait; each next one doubles, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Give up once this long has passed since the first failure (time spent offline not counted). */
  forMs: number;
}

export interface RetryOptions {
  /** Waits before each retry; with `backoff`, ignored. */
  delaysMs?: readonly number[] | undefined;
  backoff?: Backoff | undefined;
  signal?: AbortSignal | undefined;
  /** Before each wait: the error, the attempt that failed (1-based) and how long until the next one (0: when back online). */
  onRetry?: ((error: unknown, n: number, delayMs: number) => void) | undefined;
  /** A network error while the browser says it is offline waits for `online`, without using up the retries. */
  waitWhileOffline?: boolean | undefined;
}

/**
 * Runs `attempt` (given its attempt number, 1-based) until it succeeds, fails for good, runs out
 * of retries or the signal aborts. A Retry-After on the error makes the wait at least that long.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  { delaysMs = DEFAULT_RETRY_DELAYS_MS, backoff, signal, onRetry, waitWhileOffline = false }: RetryOptions = {},
): Promise<T> {
  let firstFailure: number | undefined;
  let offlineMs = 0;
  for (let n = 1, retries = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isRetryable(error) || signal?.aborted) throw error;
      firstFailure ??= Date.now();
      if (waitWhileOffline && isOffline() && error instanceof ApiError && error.status === 0) {
        onRetry?.(error, n, 0);
        const wentOffline = Date.now();
        await whenOnline(signal);
        offlineMs += Date.now() - wentOffline;
        continue;
      }
      const failingMs = Date.now() - firstFailure - offlineMs;
      const planned = backoff
        ? failingMs < backoff.forMs
          ? Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.min(retries, 20))
          : undefined
        : delaysMs[retries];
      if (planned === undefined) throw error;
      retries++;
      const delay = Math.max(planned * (0.75 + Math.random() * 0.5), retryAfterMs(error));
      onRetry?.(error, n, delay);
      await sleep(delay, signal);
    }
  }
}

function retryAfterMs(error: unknown): number {
  const seconds = error instanceof ApiError ? error.retryAfterSeconds : undefined;
  return seconds === undefined ? 0 : Math.min(MAX_RETRY_AFTER_MS, seconds * 1000);
}

/** Whether the browser knows it has no network (never true outside a browser). */
export function isOffline(): boolean {
  return globalThis.navigator?.onLine === false;
}

/** Resolves at once when online, else on the window's next `online` event (or rejects when the signal aborts). */
export function whenOnline(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (!isOffline() || typeof globalThis.addEventListener !== 'function') return resolve();
    const done = () => {
      globalThis.removeEventListener('online', done);
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = () => {
      globalThis.removeEventListener('online', done);
      reject(signal!.reason);
    };
    globalThis.addEventListener('online', done);
    signal?.addEventListener('abort', aborted, { once: true });
  });
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

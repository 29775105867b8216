import type { PhotoUploadState } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';

/** One upload as every tab shows it (the tab that sends it tells the others). */
export interface LiveUpload {
  id: string;
  eventId: string;
  name: string;
  size: number;
  order: number;
  thumbnail?: string | undefined;
  state: PhotoUploadState;
  /** Bytes storage has of it. */
  loaded: number;
  percent: number;
  /** Why it failed, or what it waits for, in words (from the client). */
  message?: string | undefined;
  /** While a failed request waits to be tried again: when (epoch ms); 0 until the browser is back online. */
  retryAt?: number | undefined;
  /** The ApiError code of the last failure (Throttled, NetworkError, Forbidden...), for the words shown. */
  errorCode?: string | undefined;
  /** Waits for a session again (signed out, or the session ended): resumes after signing in. */
  waitingForSignIn?: boolean | undefined;
  photo?: PhotoView | undefined;
  /** Retry could help: not a file the checks refused. */
  retryable: boolean;
}

export const FINISHED_STATES: ReadonlySet<PhotoUploadState> = new Set(['done', 'duplicate', 'failed', 'cancelled']);
const ADDED_STATES: ReadonlySet<PhotoUploadState> = new Set(['done', 'duplicate']);

export const isFinished = (upload: LiveUpload) => FINISHED_STATES.has(upload.state);
export const isAdded = (upload: LiveUpload) => ADDED_STATES.has(upload.state);

export interface Overall {
  /** Files shown, and how many of them are in the event already. */
  files: number;
  added: number;
  failed: number;
  /** Files still on their way (not finished). */
  running: number;
  /** Bytes of the files on their way or added, and how many of those storage has. */
  totalBytes: number;
  sentBytes: number;
  /** Seconds until the last byte is sent at the recent rate; undefined while unknown. */
  secondsLeft: number | undefined;
}

/** The whole of a list of uploads: counts, bytes and time left at `bytesPerSecond`. */
export function overallOf(uploads: readonly LiveUpload[], bytesPerSecond: number | undefined): Overall {
  let totalBytes = 0;
  let sentBytes = 0;
  let added = 0;
  let failed = 0;
  let running = 0;
  for (const upload of uploads) {
    if (isAdded(upload)) added++;
    else if (upload.state === 'failed') failed++;
    else if (upload.state !== 'cancelled') running++;
    if (upload.state === 'failed' || upload.state === 'cancelled') continue;
    totalBytes += upload.size;
    sentBytes += isAdded(upload) || upload.state === 'processing' ? upload.size : Math.min(upload.loaded, upload.size);
  }
  const left = totalBytes - sentBytes;
  const secondsLeft = running === 0 ? 0 : bytesPerSecond && bytesPerSecond > 0 ? Math.ceil(left / bytesPerSecond) : undefined;
  return { files: uploads.length, added, failed, running, totalBytes, sentBytes, secondsLeft };
}

/** Bytes per second over the recent past, from the bytes sent as seen now and then (any tab can tell). */
export class RateMeter {
  readonly #samples: Array<[number, number]> = [];
  readonly #spanMs: number;

  constructor(spanMs = 10_000) {
    this.#spanMs = spanMs;
  }

  /** `sent`: bytes sent so far, of what is still being measured; a drop (a file removed) starts over. */
  sample(sent: number, now = Date.now()): void {
    const last = this.#samples.at(-1);
    if (last && sent < last[1]) this.#samples.length = 0;
    this.#samples.push([now, sent]);
    while (this.#samples.length > 2 && now - this.#samples[1]![0] > this.#spanMs) this.#samples.shift();
  }

  /** Undefined until at least two seconds were seen with bytes moving. */
  bytesPerSecond(now = Date.now()): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || now - first[0] < 2000 || last[1] <= first[1]) return undefined;
    return ((last[1] - first[1]) * 1000) / (now - first[0]);
  }
}

/** Time left, as people say it: seconds rounded up to 5 under a minute, else minutes. */
export function timeLeftParts(seconds: number): { unit: 'seconds' | 'minute' | 'minutes'; value: number } {
  if (seconds < 55) return { unit: 'seconds', value: Math.max(5, Math.ceil(seconds / 5) * 5) };
  const minutes = Math.round(seconds / 60);
  return minutes <= 1 ? { unit: 'minute', value: 1 } : { unit: 'minutes', value: minutes };
}

import { isAbort } from '#lib/errors';
import { sendPhoto, type PhotoUploadProgress, type UploadJob, type UploadTarget } from '#lib/send-photo';
import type { Backoff } from '#lib/retry';
import { UplinkPacer } from '#lib/upload-pacing';
import { titleFromFileName, type PhotoFile } from '#lib/upload-checks';

export type { PhotoStatus, PhotoUploadProgress, PhotoUploadState, UploadJob, UploadTarget } from '#lib/send-photo';

/** A file, or a file with its own title, description and cancel signal. */
export type PhotoUploadInput = PhotoFile | { file: PhotoFile; title?: string; description?: string; signal?: AbortSignal };

export interface UploadPhotosOptions {
  /**
   * Files in flight at the same time (checked, hashed, sending or being processed); default 4.
   * PUTs at once: one while the uplink is the bottleneck, up to this many when more go faster
   * (upload-pacing.ts).
   */
  concurrency?: number;
  onProgress?: (progress: PhotoUploadProgress) => void;
  /** Cancels every upload of the call; give a file its own signal to cancel only that one. */
  signal?: AbortSignal;
  /** The API's MAX_UPLOAD_BYTES; default 25 MiB. */
  maxBytes?: number;
  /** Waits before each retry of a request that failed on the network, with a 5xx or throttled. */
  retryDelaysMs?: readonly number[];
  /** Instead of retryDelaysMs: back off and keep trying for a while (the web app's queue: ten minutes and more). */
  backoff?: Backoff;
  /** Wait until processing has made each upload a photo; default true. */
  waitForProcessing?: boolean;
  processingTimeoutMs?: number;
  /** Share one pacer between calls (one uplink); default: one per call. */
  pacer?: UplinkPacer;
}

export const DEFAULT_CONCURRENCY = 4;

/**
 * Uploads several photos: checks each file (type, size, title) before any request, hashes it
 * (SHA-256, so the API recognises a duplicate before any byte is sent), initiates, PUTs it with
 * byte progress, then waits for processing, `concurrency` files at a time with their PUTs paced
 * to the uplink. Network errors, 5xx and API Gateway's throttling are retried with backoff, other
 * 4xx never. Resolves with every file's final progress, in the order given; it never rejects for
 * one file's failure.
 */
export async function uploadPhotos(
  target: UploadTarget,
  inputs: readonly PhotoUploadInput[],
  options: UploadPhotosOptions = {},
): Promise<PhotoUploadProgress[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const pacer = options.pacer ?? new UplinkPacer({ maxConcurrency: concurrency });
  const items = inputs.map(normalise);
  const results: PhotoUploadProgress[] = items.map(({ file }, index) => ({
    index,
    file,
    state: 'queued',
    loaded: 0,
    total: file.size,
    percent: 0,
    attempt: 1,
  }));
  for (const result of results) options.onProgress?.(result);

  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      let current = results[index]!;
      const signals = [options.signal, item.signal].filter((signal): signal is AbortSignal => signal !== undefined);
      const job: UploadJob = {};
      results[index] = await sendPhoto(target, item.file, job, {
        title: item.title,
        description: item.description,
        maxBytes: options.maxBytes,
        signal: AbortSignal.any(signals),
        retry: options.backoff ? { backoff: options.backoff } : options.retryDelaysMs ? { delaysMs: options.retryDelaysMs } : {},
        pacer,
        waitForProcessing: options.waitForProcessing,
        processingTimeoutMs: options.processingTimeoutMs,
        onProgress: (change) => {
          current = { ...current, ...change };
          options.onProgress?.(current);
          return current;
        },
      }).catch((error: unknown) => {
        // sendPhoto reports every outcome; this is only a last guard so one file never stops the rest.
        current = { ...current, state: isAbort(error) ? 'cancelled' : 'failed', error };
        options.onProgress?.(current);
        return current;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

interface UploadItem {
  file: PhotoFile;
  title: string;
  description: string;
  signal?: AbortSignal | undefined;
}

function normalise(input: PhotoUploadInput): UploadItem {
  if (input instanceof Blob) return { file: input, title: titleFromFileName(input.name), description: '' };
  return {
    file: input.file,
    title: input.title ?? titleFromFileName(input.file.name),
    description: input.description ?? '',
    signal: input.signal,
  };
}

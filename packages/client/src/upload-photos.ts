import type { DuplicateUploadResponse, InitiateUploadResponse, PhotoView } from '@event-photos/core';
import { ApiError, isAbort, PhotoDuplicateError, PhotoNotReadyError } from '#lib/errors';
import { plainErrorMessage } from '#lib/plain-errors';
import { putObject } from '#lib/put-object';
import { withRetry } from '#lib/retry';
import { contentTypeOf, fileNameOf, titleFromFileName, uploadProblem, type PhotoFile } from '#lib/upload-checks';
import { isForbiddenRequestHeader, sha256Hex } from '#lib/upload-headers';

/** What uploadPhotos needs of the photos client (one event). */
export interface UploadTarget {
  initiateUpload(
    input: { title: string; description?: string; contentType: string; size: number; sha256?: string },
    options?: { signal?: AbortSignal },
  ): Promise<InitiateUploadResponse | DuplicateUploadResponse>;
  waitForPhoto(photoId: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<PhotoView>;
}

/** A file, or a file with its own title, description and cancel signal. */
export type PhotoUploadInput = PhotoFile | { file: PhotoFile; title?: string; description?: string; signal?: AbortSignal };

export type PhotoUploadState =
  | 'queued'
  | 'hashing'
  | 'initiating'
  | 'uploading'
  | 'processing'
  /** In the gallery (`photo`); or sent but not processed in time (`message` says so). */
  | 'done'
  /** The event already holds these bytes: `photo` is that photo; nothing (more) was kept. */
  | 'duplicate'
  | 'failed'
  | 'cancelled';

/** One file's upload, as it moves on. */
export interface PhotoUploadProgress {
  /** The file's position in the list given to uploadPhotos. */
  index: number;
  file: PhotoFile;
  state: PhotoUploadState;
  /** Bytes sent to storage so far, of `total`. */
  loaded: number;
  total: number;
  /** 0-100: reaches 100 once storage has every byte (or holds them already). */
  percent: number;
  /** 1, then 2... while a failed request is tried again. */
  attempt: number;
  photoId?: string;
  photo?: PhotoView;
  /** For people: why it failed, that it is a duplicate, that it is being tried again. */
  message?: string | undefined;
  error?: unknown;
}

export interface UploadPhotosOptions {
  /** Files sent at the same time; default 4 (a browser opens about 6 connections per host). */
  concurrency?: number;
  onProgress?: (progress: PhotoUploadProgress) => void;
  /** Cancels every upload of the call; give a file its own signal to cancel only that one. */
  signal?: AbortSignal;
  /** The API's MAX_UPLOAD_BYTES; default 25 MiB. */
  maxBytes?: number;
  /** Waits before each retry of a request that failed on the network or with a 5xx. */
  retryDelaysMs?: readonly number[];
  /** Wait until processing has made each upload a photo; default true. */
  waitForProcessing?: boolean;
  processingTimeoutMs?: number;
}

export const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PROCESSING_TIMEOUT_MS = 60_000;
/** Re-initiate rather than retry a PUT with a URL about to expire. */
const URL_EXPIRY_MARGIN_MS = 10_000;

/**
 * Uploads several photos, `concurrency` at a time: checks each file (type, size, title) before any
 * request, hashes it (SHA-256, so the API recognises a duplicate before any byte is sent), initiates,
 * PUTs it with byte progress, then waits for processing. Network errors and 5xx are retried with
 * backoff, 4xx never. Resolves with every file's final progress, in the order given; it never rejects
 * for one file's failure.
 */
export async function uploadPhotos(
  target: UploadTarget,
  inputs: readonly PhotoUploadInput[],
  options: UploadPhotosOptions = {},
): Promise<PhotoUploadProgress[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
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
      results[index] = await uploadOne(target, items[index]!, results[index]!, options);
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

async function uploadOne(
  target: UploadTarget,
  item: UploadItem,
  queued: PhotoUploadProgress,
  options: UploadPhotosOptions,
): Promise<PhotoUploadProgress> {
  const { file } = item;
  const name = fileNameOf(file);
  let current = queued;
  const report = (change: Partial<PhotoUploadProgress>): PhotoUploadProgress => {
    current = { ...current, ...change };
    options.onProgress?.(current);
    return current;
  };
  const signals = [options.signal, item.signal].filter((signal): signal is AbortSignal => signal !== undefined);
  const signal = AbortSignal.any(signals);
  const retry = {
    signal,
    ...(options.retryDelaysMs ? { delaysMs: options.retryDelaysMs } : {}),
    onRetry: (error: unknown, n: number) => report({ attempt: n + 1, message: `${plainErrorMessage(error, name)} Trying again…` }),
  };

  const problem = uploadProblem(file, { title: item.title, description: item.description, maxBytes: options.maxBytes });
  if (problem) return report({ state: 'failed', message: problem });

  try {
    signal.throwIfAborted();
    // Web Crypto exists only in secure contexts (https, localhost): elsewhere the API still
    // discards a duplicate after the upload, it just cannot spare the bytes.
    let sha256: string | undefined;
    if (globalThis.crypto?.subtle) {
      report({ state: 'hashing' });
      sha256 = await sha256Hex(file);
    }
    const request = {
      title: item.title,
      ...(item.description ? { description: item.description } : {}),
      contentType: contentTypeOf(file)!,
      size: file.size,
      ...(sha256 ? { sha256 } : {}),
    };
    const initiate = () => withRetry(() => target.initiateUpload(request, { signal }), retry);

    report({ state: 'initiating' });
    const first = await initiate();
    if ('duplicate' in first) return duplicate(report, name, first.photo);
    let initiated: InitiateUploadResponse = first;

    report({ state: 'uploading', photoId: initiated.photoId });
    let heldAlready: PhotoView | undefined;
    await withRetry(async (n) => {
      if (n > 1 && Date.parse(initiated.expiresAt) - Date.now() < URL_EXPIRY_MARGIN_MS) {
        const again = await initiate();
        if ('duplicate' in again) {
          heldAlready = again.photo;
          return;
        }
        initiated = again;
        report({ photoId: again.photoId });
      }
      const { s3PutObjectUrl, method, headers } = initiated;
      try {
        await putObject(s3PutObjectUrl, {
          method,
          headers: sendableHeaders(headers),
          body: file,
          signal,
          onProgress: (loaded, total) => report({ loaded, total, percent: Math.min(99, Math.floor((loaded / total) * 100)) }),
        });
      } catch (error) {
        // The URL allows one PUT (If-None-Match: *): a retry answered 412 means an earlier attempt
        // stored the bytes and only its answer was lost.
        if (!(n > 1 && error instanceof ApiError && error.status === 412)) throw error;
      }
    }, retry);
    if (heldAlready) return duplicate(report, name, heldAlready);
    report({ loaded: file.size, percent: 100, message: undefined });

    if (options.waitForProcessing === false) return report({ state: 'done' });
    report({ state: 'processing' });
    try {
      const photo = await target.waitForPhoto(initiated.photoId, {
        timeoutMs: options.processingTimeoutMs ?? DEFAULT_PROCESSING_TIMEOUT_MS,
        signal,
      });
      return report({ state: 'done', photo });
    } catch (error) {
      if (error instanceof PhotoNotReadyError)
        return report({
          state: 'done',
          message: `${name} was sent and is still being processed; it will appear in the gallery when it is ready.`,
        });
      if (error instanceof PhotoDuplicateError) return report({ state: 'duplicate', message: `${name} is already in this event.` });
      throw error;
    }
  } catch (error) {
    if (signal.aborted || isAbort(error)) return report({ state: 'cancelled', message: `${name} was not uploaded: cancelled.` });
    return report({ state: 'failed', error, message: plainErrorMessage(error, name) });
  }
}

function duplicate(
  report: (change: Partial<PhotoUploadProgress>) => PhotoUploadProgress,
  name: string,
  photo: PhotoView,
): PhotoUploadProgress {
  return report({
    state: 'duplicate',
    photo,
    photoId: photo.photoId,
    percent: 100,
    message: `${name} is already in this event, as “${photo.title}”; it was not sent again.`,
  });
}

/** The signed headers a script may set: the browser sets Content-Length itself, from the body. */
function sendableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isForbiddenRequestHeader(name)));
}

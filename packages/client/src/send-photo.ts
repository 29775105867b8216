import type { DuplicateUploadResponse, InitiateUploadResponse, PhotoView } from '@event-photos/core';
import { ApiError, isAbort, PhotoDuplicateError, PhotoNotReadyError, PhotoRejectedError } from '#lib/errors';
import { plainErrorMessage } from '#lib/plain-errors';
import { putObject } from '#lib/put-object';
import { withRetry, type RetryOptions } from '#lib/retry';
import { contentTypeOf, fileNameOf, uploadProblem, type PhotoFile } from '#lib/upload-checks';
import { isForbiddenRequestHeader, sha256Hex } from '#lib/upload-headers';
import type { UplinkPacer } from '#lib/upload-pacing';

/** What uploading needs of the photos client (one event). */
export interface UploadTarget {
  initiateUpload(
    input: { title: string; description?: string; contentType: string; size: number; sha256?: string },
    options?: { signal?: AbortSignal },
  ): Promise<InitiateUploadResponse | DuplicateUploadResponse>;
  waitForPhoto(photoId: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<PhotoView>;
  /** Where an upload stands: asked when one resumes with a URL that has expired. */
  getPhoto?(photoId: string, options?: { signal?: AbortSignal }): Promise<PhotoStatus>;
}

/** What GET of a photo id says, as far as uploading cares. */
export type PhotoStatus =
  | (PhotoView & { status: 'ready' })
  | { status: 'pending' }
  | { status: 'rejected'; rejectionReason: string }
  | { status: 'duplicate'; duplicateOf: string };

export type PhotoUploadState =
  | 'queued'
  | 'hashing'
  | 'initiating'
  | 'uploading'
  | 'processing'
  /** In the gallery (`photo`); or sent but not processed in time (`message` says so). */
  | 'done'
  /** The event already holds these bytes: `photo` is that photo when known; nothing (more) was kept. */
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
  /** While a failed request waits to be tried again: when (epoch ms), or 0 until the browser is back online. */
  retryAt?: number | undefined;
}

/**
 * What a file's upload has reached, enough to pick it up after a reload: a durable queue stores it
 * with the file (onSaved) and gives it back to sendPhoto.
 */
export interface UploadJob {
  sha256?: string;
  /** The signed PUT of the current attempt. */
  upload?: Pick<InitiateUploadResponse, 'photoId' | 's3PutObjectUrl' | 'method' | 'headers' | 'expiresAt'>;
  /** A PUT with `upload` began: storage may hold the bytes even if no answer came. */
  putStarted?: boolean;
  /** Storage has every byte: only processing is left. */
  sent?: boolean;
}

export interface SendPhotoOptions {
  title: string;
  description?: string | undefined;
  maxBytes?: number | undefined;
  signal: AbortSignal;
  retry: Pick<RetryOptions, 'delaysMs' | 'backoff'>;
  /** A slot of the uplink for the PUT (initiating included: a URL is signed only when it is sent at once). */
  pacer?: UplinkPacer | undefined;
  waitForProcessing?: boolean | undefined;
  processingTimeoutMs?: number | undefined;
  onProgress(change: Partial<PhotoUploadProgress>): PhotoUploadProgress;
  /** After each step worth keeping (hashed, signed, PUT begun, sent). */
  onSaved?(job: UploadJob): void | Promise<void>;
}

const DEFAULT_PROCESSING_TIMEOUT_MS = 60_000;
/** Re-initiate rather than PUT with a URL about to expire. */
const URL_EXPIRY_MARGIN_MS = 10_000;

type Stored = { kind: 'sent' } | { kind: 'held'; photo: PhotoView } | { kind: 'ready'; photo: PhotoView } | { kind: 'duplicate' };

/**
 * One file, from wherever `job` says it stopped: checks (before any request), SHA-256 (so the API
 * recognises a duplicate before any byte is sent), initiate, PUT with byte progress, processing.
 * Network errors, 5xx and API Gateway's throttling are retried as `retry` says, waiting for
 * `online` while the browser is offline; other 4xx never. A PUT retried on a URL it may already
 * have used counts 412 as sent (the URL allows one PUT: the bytes are there); one whose URL expired
 * first asks the API where the upload stands. Reports every outcome, never rejects.
 */
export async function sendPhoto(
  target: UploadTarget,
  file: PhotoFile,
  job: UploadJob,
  options: SendPhotoOptions,
): Promise<PhotoUploadProgress> {
  const name = fileNameOf(file);
  const { signal, onProgress: report } = options;
  const save = async () => options.onSaved?.({ ...job });
  const retry: RetryOptions = {
    ...options.retry,
    signal,
    waitWhileOffline: true,
    onRetry: (error, n, delayMs) =>
      report({
        attempt: n + 1,
        error,
        retryAt: delayMs === 0 ? 0 : Date.now() + delayMs,
        message: `${plainErrorMessage(error, name)} Trying again…`,
      }),
  };

  const problem = uploadProblem(file, { title: options.title, description: options.description, maxBytes: options.maxBytes });
  if (problem) return report({ state: 'failed', message: problem });

  try {
    signal.throwIfAborted();
    // Web Crypto exists only in secure contexts (https, localhost): elsewhere the API still
    // discards a duplicate after the upload, it just cannot spare the bytes.
    if (job.sha256 === undefined && globalThis.crypto?.subtle) {
      report({ state: 'hashing' });
      job.sha256 = await sha256Hex(file);
      await save();
    }
    const stored = job.sent ? ({ kind: 'sent' } as const) : await toStorage(target, file, job, { ...options, retry, save });
    if (stored.kind === 'held') return duplicate(report, name, stored.photo);
    if (stored.kind === 'ready')
      return report({ state: 'done', photo: stored.photo, photoId: stored.photo.photoId, loaded: file.size, percent: 100 });
    if (stored.kind === 'duplicate') return report({ state: 'duplicate', percent: 100, message: `${name} is already in this event.` });
    report({ loaded: file.size, percent: 100, message: undefined, retryAt: undefined, error: undefined, photoId: job.upload!.photoId });

    if (options.waitForProcessing === false) return report({ state: 'done' });
    report({ state: 'processing' });
    const timeoutMs = options.processingTimeoutMs ?? DEFAULT_PROCESSING_TIMEOUT_MS;
    try {
      const photo = await withRetry(() => target.waitForPhoto(job.upload!.photoId, { timeoutMs, signal }), retry);
      return report({ state: 'done', photo, message: undefined, retryAt: undefined, error: undefined });
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
    if (signal.aborted || isAbort(error))
      return report({ state: 'cancelled', message: `${name} was not uploaded: cancelled.`, retryAt: undefined });
    return report({ state: 'failed', error, message: plainErrorMessage(error, name), retryAt: undefined });
  }
}

interface ToStorage extends SendPhotoOptions {
  retry: RetryOptions;
  save(): Promise<void>;
}

/** Initiates (when there is no URL that will last) and PUTs, retried as one step, inside a slot of the uplink. */
async function toStorage(target: UploadTarget, file: PhotoFile, job: UploadJob, options: ToStorage): Promise<Stored> {
  const { signal, onProgress: report, save } = options;
  // Hashed and ready, waiting for the uplink: says so rather than "reading the file".
  if (options.pacer && !options.pacer.available) report({ state: 'queued' });
  const slot = await options.pacer?.acquire(signal);
  let outcome: Stored | undefined;
  try {
    outcome = await withRetry(async (): Promise<Stored> => {
      if (!job.upload || Date.parse(job.upload.expiresAt) - Date.now() < URL_EXPIRY_MARGIN_MS) {
        // A PUT began on the lapsed URL: the bytes may be there, even processed already.
        if (job.upload && job.putStarted && target.getPhoto) {
          const status = await target.getPhoto(job.upload.photoId, { signal });
          if (status.status === 'ready') return { kind: 'ready', photo: status };
          if (status.status === 'duplicate') return { kind: 'duplicate' };
          if (status.status === 'rejected') throw new PhotoRejectedError(job.upload.photoId, status.rejectionReason);
        }
        report({ state: 'initiating', retryAt: undefined, message: undefined });
        const answer = await target.initiateUpload(initiateRequest(file, job, options), { signal });
        if ('duplicate' in answer) return { kind: 'held', photo: answer.photo };
        const { photoId, s3PutObjectUrl, method, headers, expiresAt } = answer;
        job.upload = { photoId, s3PutObjectUrl, method, headers, expiresAt };
        job.putStarted = false;
        await save();
      }
      const { photoId, s3PutObjectUrl, method, headers } = job.upload;
      report({ state: 'uploading', photoId, loaded: 0, percent: 0, retryAt: undefined, message: undefined });
      const usedBefore = job.putStarted === true;
      if (!usedBefore) {
        job.putStarted = true;
        await save();
      }
      let counted = 0;
      try {
        await putObject(s3PutObjectUrl, {
          method,
          headers: sendableHeaders(headers),
          body: file,
          signal,
          onProgress: (loaded, total) => {
            slot?.sent(loaded - counted);
            counted = Math.max(counted, loaded);
            report({ loaded, total, percent: Math.min(99, Math.floor((loaded / total) * 100)) });
          },
        });
      } catch (error) {
        // The URL allows one PUT (If-None-Match: *): 412 to a URL used before means that earlier
        // attempt stored the bytes and only its answer was lost.
        if (!(usedBefore && error instanceof ApiError && error.status === 412)) throw error;
      }
      job.sent = true;
      await save();
      return { kind: 'sent' };
    }, options.retry);
    return outcome;
  } finally {
    slot?.release(outcome?.kind === 'sent');
  }
}

function initiateRequest(file: PhotoFile, job: UploadJob, { title, description }: SendPhotoOptions) {
  return {
    title,
    ...(description ? { description } : {}),
    contentType: contentTypeOf(file)!,
    size: file.size,
    ...(job.sha256 ? { sha256: job.sha256 } : {}),
  };
}

function duplicate(report: SendPhotoOptions['onProgress'], name: string, photo: PhotoView): PhotoUploadProgress {
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

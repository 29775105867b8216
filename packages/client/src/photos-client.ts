import type { DuplicateUploadResponse, InitiateUploadResponse, PendingUpload, PhotoPage, PhotoView } from '@event-photos/core';
import { apiErrorFrom, networkError, PhotoDuplicateError, PhotoNotReadyError, PhotoRejectedError } from '#lib/errors';

/** GET /events/{eventId}/photos/{photoId} once the photo is processed. */
export type ReadyPhoto = PhotoView & { status: 'ready' };
/** GET /events/{eventId}/photos/{photoId} while the upload is initiated but not processed yet. */
type UploadView = Omit<PendingUpload, 'objectKey' | 'expiresAt' | 'status' | 'rejectionReason' | 'rejectedAt' | 'deletedAt' | 'uploaderId'> & {
  /** Whether the caller uploaded it (the uploader's id is never shown). */
  mine: boolean;
};
export type PendingPhoto = UploadView & { status: 'pending' };
/** Processing refused the file (it was deleted); `rejectionReason` says why, for the uploader. */
export type RejectedPhoto = UploadView & { status: 'rejected'; rejectionReason: string; rejectedAt: string };
/** The same bytes as a photo the event already holds: this upload was discarded. */
export type DuplicatePhoto = UploadView & { status: 'duplicate'; duplicateOf: string };
export type PhotoWithStatus = ReadyPhoto | PendingPhoto | RejectedPhoto | DuplicatePhoto;

export interface InitiateUploadInput {
  title: string;
  description?: string;
  /** One of IMAGE_CONTENT_TYPES; anything else is refused by the API (400, field `contentType`). */
  contentType: string;
  size: number;
  /** Hex SHA-256 of the file. */
  sha256?: string;
}

export type UploadStage = 'hashing' | 'initiating' | 'uploading';

export interface UploadFileOptions {
  title: string;
  description?: string;
  /** Defaults to the Blob's own type. */
  contentType?: string;
  /** Compute the file's SHA-256 (crypto.subtle) and declare it at initiation. Off by default: it reads the whole file. */
  sha256?: boolean;
  /** Called as the upload moves on; the UI can show it. */
  onStage?: (stage: UploadStage) => void;
  signal?: AbortSignal;
}

export interface WaitForPhotoOptions {
  /** Give up (PhotoNotReadyError) after this long. Default 30 s. */
  timeoutMs?: number;
  /** First poll delay; it grows 1.5x per poll up to maxIntervalMs. Default 250 ms. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

export interface PhotosClientOptions {
  /** The HTTP API's base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com */
  apiUrl: string;
  /** The event every call is about. */
  eventId: string;
  /** A current Cognito ID token. Called before every API request. */
  getToken: () => string | Promise<string>;
}

export interface PhotosClient {
  readonly eventId: string;
  /** POST /events/{eventId}/photos/initiate-upload */
  /** The signed upload, or (200) the event's photo with the same declared sha256: nothing to send. */
  initiateUpload(input: InitiateUploadInput, options?: { signal?: AbortSignal }): Promise<InitiateUploadResponse | DuplicateUploadResponse>;
  /** Initiates, then PUTs the file to S3 with exactly the signed headers. Processing happens afterwards (see waitForPhoto). */
  /** `duplicateOf`: the event already holds these bytes (declared sha256), and no byte was sent. */
  uploadFile(file: Blob, options: UploadFileOptions): Promise<{ photoId: string; duplicateOf?: string }>;
  /** GET /events/{eventId}/photos: newest first. */
  listPhotos(options?: { limit?: number; cursor?: string | null; signal?: AbortSignal }): Promise<PhotoPage>;
  /** GET /events/{eventId}/photos/{photoId} */
  getPhoto(photoId: string, options?: { signal?: AbortSignal }): Promise<PhotoWithStatus>;
  /** Polls getPhoto until the photo is ready. */
  waitForPhoto(photoId: string, options?: WaitForPhotoOptions): Promise<ReadyPhoto>;
}

/**
 * Headers a browser refuses to let scripts set (the Fetch standard's forbidden request headers).
 * The browser sets Content-Length itself, from the body, so a signed Content-Length still matches.
 */
const FORBIDDEN_REQUEST_HEADERS = new Set([
  'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
  'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
  'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
]);

export function isForbiddenRequestHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return FORBIDDEN_REQUEST_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
}

export function createPhotosClient(options: PhotosClientOptions): PhotosClient {
  const baseUrl = options.apiUrl.replace(/\/+$/, '');
  const eventPath = `/events/${encodeURIComponent(options.eventId)}`;

  async function request<T>(
    method: 'GET' | 'POST',
    path: string,
    { body, signal }: { body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const token = await options.getToken();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw networkError(error, 'the photos API');
    }
    if (!response.ok) throw await apiErrorFrom(response);
    return (await response.json()) as T;
  }

  const client: PhotosClient = {
    eventId: options.eventId,

    initiateUpload(input, { signal } = {}) {
      return request<InitiateUploadResponse | DuplicateUploadResponse>('POST', `${eventPath}/photos/initiate-upload`, { body: input, signal });
    },

    async uploadFile(file, { title, description, contentType = file.type, sha256 = false, onStage, signal }) {
      let digest: string | undefined;
      if (sha256) {
        onStage?.('hashing');
        digest = await sha256Hex(file);
      }
      onStage?.('initiating');
      const initiated = await client.initiateUpload(
        {
          title,
          ...(description === undefined ? {} : { description }),
          contentType,
          size: file.size,
          ...(digest === undefined ? {} : { sha256: digest }),
        },
        signal ? { signal } : {},
      );
      if ('duplicate' in initiated) return { photoId: initiated.photo.photoId, duplicateOf: initiated.photo.photoId };

      onStage?.('uploading');
      const headers = new Headers();
      for (const [name, value] of Object.entries(initiated.headers)) {
        if (!isForbiddenRequestHeader(name)) headers.set(name, value);
      }
      let response: Response;
      try {
        response = await fetch(initiated.s3PutObjectUrl, {
          method: initiated.method,
          headers,
          body: file,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw networkError(error, 'the upload storage');
      }
      if (!response.ok) throw await apiErrorFrom(response);
      return { photoId: initiated.photoId };
    },

    listPhotos({ limit, cursor, signal } = {}) {
      const query = new URLSearchParams();
      if (limit !== undefined) query.set('limit', String(limit));
      if (cursor) query.set('cursor', cursor);
      const search = query.toString();
      return request<PhotoPage>('GET', `${eventPath}/photos${search ? `?${search}` : ''}`, { signal });
    },

    getPhoto(photoId, { signal } = {}) {
      return request<PhotoWithStatus>('GET', `${eventPath}/photos/${encodeURIComponent(photoId)}`, { signal });
    },

    async waitForPhoto(photoId, { timeoutMs = 30_000, intervalMs = 250, maxIntervalMs = 2_000, signal } = {}) {
      const deadline = Date.now() + timeoutMs;
      let delay = intervalMs;
      for (;;) {
        const photo = await client.getPhoto(photoId, signal ? { signal } : {});
        if (photo.status === 'ready') return photo;
        if (photo.status === 'rejected') throw new PhotoRejectedError(photoId, photo.rejectionReason);
        if (photo.status === 'duplicate') throw new PhotoDuplicateError(photoId, photo.duplicateOf);
        const left = deadline - Date.now();
        if (left <= 0) throw new PhotoNotReadyError(photoId, timeoutMs);
        await sleep(Math.min(delay, left), signal);
        delay = Math.min(delay * 1.5, maxIntervalMs);
      }
    },
  };
  return client;
}

/** Hex SHA-256 of a Blob, with Web Crypto (browsers and Node alike). */
export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
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

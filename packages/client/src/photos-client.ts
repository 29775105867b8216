import type {
  BatchDeleteResponse,
  DuplicateUploadResponse,
  InitiateUploadResponse,
  OriginalDownload,
  PhotoPage,
  PhotoView,
  Upload,
} from '@event-photos/core';
import { MAX_BATCH_DELETE } from '@event-photos/core/limits';
import { createApiRequest, type ApiRequestOptions } from '#lib/api-request';
import { PhotoDuplicateError, PhotoNotReadyError, PhotoRejectedError } from '#lib/errors';
import { putObject } from '#lib/put-object';
import { sleep } from '#lib/retry';
import { isForbiddenRequestHeader, sha256Hex } from '#lib/upload-headers';
import { uploadPhotos, type PhotoUploadInput, type PhotoUploadProgress, type UploadPhotosOptions } from '#lib/upload-photos';

/** GET /events/{eventId}/photos/{photoId} once the photo is processed. */
export type ReadyPhoto = PhotoView & { status: 'ready' };
/** GET /events/{eventId}/photos/{photoId} while the upload is initiated but not processed yet. */
type UploadView = Omit<Extract<Upload, { status: 'pending' }>, 'objectKey' | 'expiresAt' | 'status' | 'uploaderId'> & {
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
  /** Bytes sent to storage so far (in a browser: as they go; elsewhere: once, at the end). */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export interface ListPhotosOptions {
  limit?: number;
  /** The last page's nextCursor. */
  cursor?: string | null;
  /** Keep photos whose title or description contains this (any case, any Unicode form). */
  q?: string;
  /** Only the caller's own photos. */
  uploader?: 'me';
  /** A feedCursor: what became ready after that answer, oldest first. */
  since?: string;
  signal?: AbortSignal;
}

export interface PhotoChanges {
  title?: string;
  description?: string;
}

export interface WaitForPhotoOptions {
  /** Give up (PhotoNotReadyError) after this long. Default 30 s. */
  timeoutMs?: number;
  /** First poll delay; it grows 1.5x per poll up to maxIntervalMs. Default 250 ms. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

export interface PhotosClientOptions extends ApiRequestOptions {
  /** The event every call is about. */
  eventId: string;
}

export interface PhotosClient {
  readonly eventId: string;
  /** POST /events/{eventId}/photos/initiate-upload: the signed upload, or (200) the event's photo with the same declared sha256: nothing to send. */
  initiateUpload(input: InitiateUploadInput, options?: { signal?: AbortSignal }): Promise<InitiateUploadResponse | DuplicateUploadResponse>;
  /**
   * Initiates, then PUTs the file to S3 with exactly the signed headers. Processing happens
   * afterwards (see waitForPhoto). `duplicateOf`: the event already holds these bytes (declared
   * sha256), and no byte was sent.
   */
  uploadFile(file: Blob, options: UploadFileOptions): Promise<{ photoId: string; duplicateOf?: string }>;
  /** Several files, checked, hashed, sent a few at a time with progress, retries and cancel: see upload-photos.ts. */
  uploadPhotos(files: readonly PhotoUploadInput[], options?: UploadPhotosOptions): Promise<PhotoUploadProgress[]>;
  /** GET /events/{eventId}/photos: one page, newest ready first (or a feed answer, with `since`). */
  listPhotos(options?: ListPhotosOptions): Promise<PhotoPage>;
  /** Every page in turn, following nextCursor: the first one also carries the feedCursor. */
  pages(options?: Omit<ListPhotosOptions, 'cursor' | 'since'>): AsyncGenerator<PhotoPage, void, undefined>;
  /** Every photo, newest ready first, fetched a page at a time as the loop asks for more. */
  photos(options?: Omit<ListPhotosOptions, 'cursor' | 'since'>): AsyncGenerator<PhotoView, void, undefined>;
  /** GET /events/{eventId}/photos/{photoId} */
  getPhoto(photoId: string, options?: { signal?: AbortSignal }): Promise<PhotoWithStatus>;
  /** Polls getPhoto until the photo is ready. */
  waitForPhoto(photoId: string, options?: WaitForPhotoOptions): Promise<ReadyPhoto>;
  /** PATCH /events/{eventId}/photos/{photoId} (the uploader or the event's organizer). */
  editPhoto(photoId: string, changes: PhotoChanges, options?: { signal?: AbortSignal }): Promise<ReadyPhoto>;
  /** DELETE /events/{eventId}/photos/{photoId}; deleting a deleted photo succeeds too. */
  deletePhoto(photoId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * GET /events/{eventId}/photos/{photoId}/original: a presigned GET of the file as uploaded
   * (location and camera details included), valid for minutes; its uploader and the event's
   * organizer only (others: ApiError 403).
   */
  getOriginal(photoId: string, options?: { signal?: AbortSignal }): Promise<OriginalDownload>;
  /** POST .../batch-delete, 100 ids per request (the API's limit): one result per distinct id. */
  deletePhotos(photoIds: readonly string[], options?: { signal?: AbortSignal }): Promise<BatchDeleteResponse['results']>;
}

export { isForbiddenRequestHeader, sha256Hex };

export function createPhotosClient(options: PhotosClientOptions): PhotosClient {
  const request = createApiRequest(options);
  const eventPath = `/events/${encodeURIComponent(options.eventId)}`;
  const photoPath = (photoId: string) => `${eventPath}/photos/${encodeURIComponent(photoId)}`;

  const client: PhotosClient = {
    eventId: options.eventId,

    initiateUpload(input, { signal } = {}) {
      return request('POST', `${eventPath}/photos/initiate-upload`, { body: input, signal });
    },

    async uploadFile(file, { title, description, contentType = file.type, sha256 = false, onStage, onProgress, signal }) {
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
      const headers = Object.fromEntries(Object.entries(initiated.headers).filter(([name]) => !isForbiddenRequestHeader(name)));
      await putObject(initiated.s3PutObjectUrl, { method: initiated.method, headers, body: file, onProgress, signal });
      return { photoId: initiated.photoId };
    },

    uploadPhotos(files, uploadOptions) {
      return uploadPhotos(client, files, uploadOptions);
    },

    listPhotos({ limit, cursor, q, uploader, since, signal } = {}) {
      return request('GET', `${eventPath}/photos`, { query: { limit, cursor, q, uploader, since }, signal });
    },

    async *pages(listOptions = {}) {
      let cursor: string | null = null;
      do {
        const page: PhotoPage = await client.listPhotos({ ...listOptions, cursor });
        yield page;
        cursor = page.nextCursor;
      } while (cursor);
    },

    async *photos(listOptions = {}) {
      for await (const page of client.pages(listOptions)) yield* page.items;
    },

    getPhoto(photoId, { signal } = {}) {
      return request('GET', photoPath(photoId), { signal });
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

    editPhoto(photoId, changes, { signal } = {}) {
      return request('PATCH', photoPath(photoId), { body: changes, signal });
    },

    async deletePhoto(photoId, { signal } = {}) {
      await request('DELETE', photoPath(photoId), { signal });
    },

    getOriginal(photoId, { signal } = {}) {
      return request('GET', `${photoPath(photoId)}/original`, { signal });
    },

    async deletePhotos(photoIds, { signal } = {}) {
      const distinct = [...new Set(photoIds)];
      const results: BatchDeleteResponse['results'] = [];
      for (let start = 0; start < distinct.length; start += MAX_BATCH_DELETE) {
        const body = { photoIds: distinct.slice(start, start + MAX_BATCH_DELETE) };
        const answer = await request<BatchDeleteResponse>('POST', `${eventPath}/photos/batch-delete`, { body, signal });
        results.push(...answer.results);
      }
      return results;
    },
  };
  return client;
}

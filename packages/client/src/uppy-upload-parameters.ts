import { ApiError } from '#lib/errors';
import { plainErrorMessage } from '#lib/plain-errors';
import { contentTypeOf, titleFromFileName, uploadProblem } from '#lib/upload-checks';
import { isForbiddenRequestHeader, sha256Hex } from '#lib/upload-headers';
import type { PhotosClient } from '#lib/photos-client';

/** What @uppy/aws-s3 (5.x, non-multipart) passes to getUploadParameters: the parts we read. */
export interface UppyFileLike {
  name?: string | undefined;
  type?: string | undefined;
  /** A Blob for a local file; a remote file (Companion) has no bytes here and cannot come this way. */
  data?: Blob | { size: number | null } | undefined;
  meta: Record<string, unknown>;
}

/** The released getUploadParameters contract of @uppy/aws-s3. */
export interface UppyUploadParameters {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

/**
 * `getUploadParameters` for @uppy/aws-s3 (with `shouldUseMultipart: false`), backed by our
 * initiate-upload: the file's title is `meta.title` (else its name), its description
 * `meta.description`. The same checks as uploadPhotos run first, in plain words, and the file's
 * SHA-256 is declared, so S3 verifies the bytes. A photo the event already holds fails the file
 * with a message saying so (Uppy has no "nothing to send" answer).
 */
export function uppyUploadParameters(client: PhotosClient, { maxBytes }: { maxBytes?: number } = {}) {
  return async (file: UppyFileLike, { signal }: { signal?: AbortSignal } = {}): Promise<UppyUploadParameters> => {
    const name = file.name || 'The photo';
    if (!(file.data instanceof Blob)) throw new Error(`${name} is not a file on this device; only those can be uploaded here.`);
    const photo = new File([file.data], name, { type: file.type || file.data.type });
    const title = typeof file.meta['title'] === 'string' && file.meta['title'].trim() ? file.meta['title'] : titleFromFileName(name);
    const description = typeof file.meta['description'] === 'string' ? file.meta['description'] : '';
    const problem = uploadProblem(photo, { title, description, maxBytes });
    if (problem) throw new Error(problem);

    const sha256 = globalThis.crypto?.subtle ? await sha256Hex(photo) : undefined;
    let initiated: Awaited<ReturnType<typeof client.initiateUpload>>;
    try {
      initiated = await client.initiateUpload(
        {
          title,
          ...(description ? { description } : {}),
          contentType: contentTypeOf(photo)!,
          size: photo.size,
          ...(sha256 ? { sha256 } : {}),
        },
        signal ? { signal } : {},
      );
    } catch (error) {
      throw error instanceof ApiError ? new Error(plainErrorMessage(error, name), { cause: error }) : error;
    }
    if ('duplicate' in initiated) throw new Error(`${name} is already in this event, as “${initiated.photo.title}”.`);
    const headers = Object.fromEntries(Object.entries(initiated.headers).filter(([header]) => !isForbiddenRequestHeader(header)));
    return { method: initiated.method, url: initiated.s3PutObjectUrl, headers };
  };
}

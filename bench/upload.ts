import { randomBytes } from 'node:crypto';
import { uploadObjectKey, type InitiateUploadResponse } from '@event-photos/core';

export interface Uploaded {
  photoId: string;
  key: string;
  etag: string;
}

/**
 * The client's upload flow against the local stack: POST initiate-upload through the HTTP API
 * (Cognito token, JWT authorizer), then PUT the bytes to the presigned URL with the headers it
 * returned. initiate-upload records the pending upload and signs the metadata into the URL, so
 * the object is exactly what a real client would leave in the bucket. Without a declared `sha256`,
 * process-uploaded-photo has to compute the hash itself; with one, S3 verifies it on upload.
 */
export async function uploadThroughApi(
  api: string,
  token: string,
  eventId: string,
  bytes: Uint8Array<ArrayBuffer>,
  fields: { title: string; sha256?: string },
): Promise<Uploaded> {
  const initiated = await fetch(`${api}/events/${encodeURIComponent(eventId)}/photos/initiate-upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contentType: 'image/jpeg', size: bytes.length, ...fields }),
  });
  const text = await initiated.text();
  if (initiated.status !== 201) throw new Error(`initiate-upload answered ${initiated.status}: ${text}`);
  const { photoId, s3PutObjectUrl, method, headers } = JSON.parse(text) as InitiateUploadResponse;
  const put = await fetch(s3PutObjectUrl, { method, headers, body: bytes });
  if (put.status !== 200) throw new Error(`presigned PUT answered ${put.status}: ${await put.text()}`);
  await put.arrayBuffer();
  return { photoId, key: uploadObjectKey(eventId, photoId, 'image/jpeg'), etag: put.headers.get('etag') ?? '' };
}

/**
 * `size` random bytes framed as a JPEG (SOI + JFIF APP0 header ... EOI): process-uploaded-photo
 * sniffs the first bytes and rejects (deletes) anything that is not the declared image type.
 * Random content keeps compression and caching from flattering any figure.
 */
export function fakeJpeg(size: number): Buffer<ArrayBuffer> {
  const bytes = randomBytes(size);
  const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  header.copy(bytes, 0);
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return bytes;
}

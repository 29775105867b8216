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
  const { photoId, s3PutObjectUrl, method, headers } = await initiateUpload(api, token, eventId, { ...fields, size: bytes.length });
  const put = await fetch(s3PutObjectUrl, { method, headers, body: bytes });
  if (put.status !== 200) throw new Error(`presigned PUT answered ${put.status}: ${await put.text()}`);
  await put.arrayBuffer();
  return { photoId, key: uploadObjectKey(eventId, photoId, 'image/jpeg'), etag: put.headers.get('etag') ?? '' };
}

/** POST initiate-upload of a JPEG through the HTTP API: the pending upload recorded, its PUT signed. */
export async function initiateUpload(
  api: string,
  token: string,
  eventId: string,
  fields: { title: string; size: number; sha256?: string },
): Promise<InitiateUploadResponse> {
  const initiated = await fetch(`${api}/events/${encodeURIComponent(eventId)}/photos/initiate-upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contentType: 'image/jpeg', ...fields }),
  });
  const text = await initiated.text();
  if (initiated.status !== 201) throw new Error(`initiate-upload answered ${initiated.status}: ${text}`);
  return JSON.parse(text) as InitiateUploadResponse;
}

/**
 * What the organizer of a big event does: quotas far above what the bench uploads, so that it
 * measures uploads, not the 429s of DEFAULT_UPLOAD_QUOTAS (100 per attendee per hour).
 */
export async function raiseQuotas(api: string, organizerToken: string, eventId: string): Promise<void> {
  const response = await fetch(`${api}/events/${encodeURIComponent(eventId)}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${organizerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      quotas: {
        userUploadsPerHour: 100_000,
        userBytesPerHour: 1024 ** 4,
        eventUploadsPerHour: 1_000_000,
        eventBytesPerHour: 100 * 1024 ** 4,
      },
    }),
  });
  if (response.status !== 200) throw new Error(`raising the quotas answered ${response.status}: ${await response.text()}`);
}

import { originalObjectKey, publishedObjectKey, uploadObjectKey, type Photo, type PhotoEvent, type Upload } from '@event-photos/core';

// The records the stores keep, as tests build them: one builder per record, so a new field of
// Photo or Upload is added here once, not in every test.

export const FIXTURE_EVENT_ID = 'summit-2026';
export const FIXTURE_PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
/** The Cognito subs the records name: the photo's uploader and the event's organizer. */
export const UPLOADER_ID = 'uploader-sub';
export const ORGANIZER_ID = 'organizer-sub';
/** What the unit tests' PHOTOS_CDN_BASE_URL is (vitest.config.ts). */
const CDN_BASE_URL = 'https://d111111abcdef8.cloudfront.net';

/** Overrides may set an optional field to undefined to leave it out (an event without an organizer). */
type Overrides<T> = { [K in keyof T]?: T[K] | undefined };

export function eventRecord(overrides: Overrides<PhotoEvent> = {}): PhotoEvent {
  return withoutUndefined({
    eventId: FIXTURE_EVENT_ID,
    name: 'Summit',
    description: '',
    open: true,
    organizerId: ORGANIZER_ID,
    createdAt: '2026-04-01T00:00:00.000Z',
    ...overrides,
  });
}

/** An upload as initiate-upload records it (reserveUpload). */
export type PendingUpload = Extract<Upload, { status: 'pending' }>;

/** A pending upload; its object key follows eventId, photoId and contentType unless given. */
export function uploadRecord(overrides: Overrides<Omit<PendingUpload, 'status'>> = {}): PendingUpload {
  const { eventId = FIXTURE_EVENT_ID, photoId = FIXTURE_PHOTO_ID, contentType = 'image/jpeg' } = overrides;
  return withoutUndefined({
    photoId,
    eventId,
    title: 'Keynote',
    description: '',
    contentType,
    size: 1234,
    uploaderId: UPLOADER_ID,
    uploaderName: 'ana',
    objectKey: uploadObjectKey(eventId, photoId, contentType),
    initiatedAt: '2026-05-01T10:00:00.000Z',
    expiresAt: '2026-05-01T10:05:00.000Z',
    ...overrides,
    status: 'pending',
  });
}

/** A photo: what processing accepts for uploadRecord() of the same ids. */
export function photoRecord(overrides: Overrides<Photo> = {}): Photo {
  const { eventId = FIXTURE_EVENT_ID, photoId = FIXTURE_PHOTO_ID, contentType = 'image/jpeg' } = overrides;
  // As processing records it: the untouched original kept private, the stripped one published.
  const published = publishedObjectKey(eventId, photoId, contentType);
  return withoutUndefined({
    photoId,
    eventId,
    title: 'Keynote',
    description: '',
    contentType,
    size: 1234,
    sha256: 'ab'.repeat(32),
    url: `${CDN_BASE_URL}/${published}`,
    publishedSize: 1200,
    publishedSha256: 'cd'.repeat(32),
    uploaderId: UPLOADER_ID,
    uploaderName: 'ana',
    objectKeys: [originalObjectKey(eventId, photoId, contentType), published],
    createdAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  });
}

function withoutUndefined<T>(record: Overrides<T>): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}

/** The upload a photo came from: its details, pending (what reserveUpload records before processing accepts it). */
export function uploadRecordOf(photo: Photo, overrides: Overrides<Omit<PendingUpload, 'status'>> = {}): PendingUpload {
  const { photoId, eventId, title, description, contentType, size, uploaderId, uploaderName } = photo;
  return uploadRecord({ photoId, eventId, title, description, contentType, size, uploaderId, uploaderName, ...overrides });
}

import { describe, expect, it } from 'vitest';
import { IMAGE_CONTENT_TYPES, type ImageContentType } from '#lib/limits';
import { parseUploadObjectKey, uploadObjectKey } from '#lib/object-keys';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

describe('uploadObjectKey / parseUploadObjectKey', () => {
  it.each(Object.entries(IMAGE_CONTENT_TYPES))('round trips a %s key', (contentType, extension) => {
    const key = uploadObjectKey('summit-2026', PHOTO_ID, contentType as ImageContentType);
    expect(key).toBe(`uploads/event_summit-2026/${PHOTO_ID}.${extension}`);
    expect(parseUploadObjectKey(key)).toEqual({ eventId: 'summit-2026', photoId: PHOTO_ID, extension });
  });

  it.each([
    `uploads/event_../${PHOTO_ID}.jpg`,
    `uploads/event_demo/../${PHOTO_ID}.jpg`,
    `uploads/event_demo/../../etc/${PHOTO_ID}.jpg`,
    `../uploads/event_demo/${PHOTO_ID}.jpg`,
    `/uploads/event_demo/${PHOTO_ID}.jpg`,
    `uploads/event_demo/sub/${PHOTO_ID}.jpg`,
    `uploads/event_demo/${PHOTO_ID}.jpg/..`,
    `uploads/event_demo/${PHOTO_ID}.jpg\n`,
    `uploads/event_a/b/${PHOTO_ID}.jpg`,
    `uploads/event_demo/${PHOTO_ID.toUpperCase()}.jpg`,
    `uploads/event_demo/${'-'.repeat(36)}.jpg`,
    `uploads/event_demo/${PHOTO_ID}`,
    `photos/event_demo/${PHOTO_ID}.jpg`,
  ])('rejects %j', (key) => {
    expect(parseUploadObjectKey(key)).toBeNull();
  });
});

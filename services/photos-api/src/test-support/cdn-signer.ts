import { generateKeyPairSync } from 'node:crypto';
import { CdnSigner } from '@event-photos/aws';
import { type EventAccess, type Photo, photoView, publishedObjectKey, renditionObjectKey } from '@event-photos/core';
import { photoRecord } from '@event-photos/testing/fixtures';
import { expect } from 'vitest';
import { type EventUrlSigner, signedPhotoView } from '#lib/cdn-urls';

/** The fixtures' CDN (packages/testing store-records.ts, the unit project's PHOTOS_CDN_BASE_URL). */
const CDN = 'https://d111111abcdef8.cloudfront.net';

/** A signer as the deployed functions have one, with a key pair made for the test run. */
export const testCdnSigner = new CdnSigner({
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  cdnBaseUrl: CDN,
  windowSeconds: 900,
});

/** What the handlers take: the signer, already loaded. */
export const testSigner = (): Promise<EventUrlSigner> => Promise.resolve(testCdnSigner);

/** The view's URL and every rendition's carry CloudFront's signed-URL parameters. */
export function expectSignedUrls(view: { url?: string | undefined; renditions?: ReadonlyArray<{ url: string }> | undefined }): void {
  const urls = [view.url, ...(view.renditions ?? []).map((rendition) => rendition.url)];
  expect(view.url).toBeDefined();
  expect(view.renditions?.length).toBeGreaterThan(0);
  for (const url of urls) {
    const { searchParams } = new URL(url!);
    for (const name of ['Policy', 'Signature', 'Key-Pair-Id']) expect(searchParams.get(name), `${name} on ${url}`).toBeTruthy();
  }
}

/** A photo as processing publishes it: its original and renditions under the event's prefix on the CDN. */
export function publishedPhoto(overrides: Partial<Photo> = {}): Photo {
  const photo = photoRecord(overrides);
  const { eventId, photoId, contentType } = photo;
  return {
    ...photo,
    url: `${CDN}/${publishedObjectKey(eventId, photoId, contentType)}`,
    renditions: [320, 960].map((width) => ({
      width,
      height: (width * 3) / 4,
      contentType: 'image/webp' as const,
      url: `${CDN}/${renditionObjectKey(eventId, photoId, width)}`,
    })),
    ...overrides,
  };
}

/** What a handler answers of a stored photo: the caller's view, signed by the test signer. */
export function signedView(photo: Photo, callerId: string, access: EventAccess) {
  return signedPhotoView(photoView(photo, callerId, access), testCdnSigner);
}

import { generateKeyPairSync } from 'node:crypto';
import { CdnSigner } from '@event-photos/aws';
import type { PhotoView } from '@event-photos/core';
import { describe, expect, it, vi } from 'vitest';
import { signedPhotoView } from '#lib/cdn-urls';

const CDN = 'https://d111111abcdef8.cloudfront.net';
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const signer = new CdnSigner({
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  cdnBaseUrl: CDN,
  windowSeconds: 900,
});

const view: PhotoView & { status: 'ready' } = {
  photoId: PHOTO_ID,
  eventId: 'demo-event',
  title: 'Stage',
  description: '',
  contentType: 'image/jpeg',
  size: 1234,
  uploaderName: 'Ada',
  mine: true,
  sha256: 'a'.repeat(64),
  url: `${CDN}/photos/event_demo-event/${PHOTO_ID}.jpg`,
  width: 4000,
  height: 3000,
  renditions: [
    { width: 480, height: 360, contentType: 'image/webp', url: `${CDN}/photos/event_demo-event/${PHOTO_ID}_w480.webp` },
    { width: 1920, height: 1440, contentType: 'image/webp', url: `${CDN}/photos/event_demo-event/${PHOTO_ID}_w1920.webp` },
  ],
  placeholder: 'data:image/webp;base64,UklGRg==',
  createdAt: '2026-11-30T10:00:00.000Z',
  status: 'ready',
};

describe('signedPhotoView', () => {
  it("puts the event's one query on the original and on every rendition, and leaves the rest as it is", () => {
    const { query } = signer.signEventUrls('demo-event');
    const signed = signedPhotoView(view, signer);
    expect(signed.url).toBe(`${view.url}?${query}`);
    expect(signed.renditions!.map((rendition) => rendition.url)).toEqual(view.renditions!.map((rendition) => `${rendition.url}?${query}`));
    expect(signed.renditions!.map(({ url: _url, ...rest }) => rest)).toEqual(view.renditions!.map(({ url: _url, ...rest }) => rest));
    const { url: _a, renditions: _b, ...others } = signed;
    const { url: _c, renditions: _d, ...before } = view;
    expect(others).toEqual(before);
    // The view itself is not changed.
    expect(view.url).not.toContain('?');
  });

  it('answers the same URLs for every view of the event within the window (what browsers and the edge cache by)', () => {
    expect(signedPhotoView(view, signer)).toEqual(signedPhotoView({ ...view }, signer));
    expect(signedPhotoView(view, signer).url).not.toBe(signedPhotoView({ ...view, eventId: 'other-event' }, signer).url);
  });

  it('signs only URLs under the event on the CDN, and nothing for a view without URLs', () => {
    const elsewhere = { ...view, url: 'https://old-cdn.example.com/photos/event_demo-event/x.jpg', renditions: [] };
    expect(signedPhotoView(elsewhere, signer).url).toBe(elsewhere.url);
    const otherEvent = { ...view, url: `${CDN}/photos/event_other/x.jpg` };
    expect(signedPhotoView(otherEvent, signer).url).toBe(otherEvent.url);

    const spy = vi.spyOn(signer, 'signEventUrls');
    const pending = { photoId: PHOTO_ID, eventId: 'demo-event', status: 'pending' as const, title: 't' };
    expect(signedPhotoView(pending, signer)).toBe(pending);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('appends with & to a URL that has a query already', () => {
    const withQuery = { ...view, url: `${view.url}?v=2` };
    expect(signedPhotoView(withQuery, signer).url).toBe(`${view.url}?v=2&${signer.signEventUrls('demo-event').query}`);
  });
});

import { describe, expect, it } from 'vitest';
import type { PhotoView } from '@event-photos/core';
import { downloadOf, fileNameFor } from '#lib/app/photo-download';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const photo: PhotoView = {
  photoId: PHOTO_ID,
  eventId: 'summit',
  title: 'Keynote',
  description: '',
  contentType: 'image/jpeg',
  size: 1000,
  sha256: 'ab'.repeat(32),
  url: 'https://cdn.example/photos/event_summit/x.jpg?Policy=p&Signature=s&Key-Pair-Id=k',
  uploaderName: 'ana',
  mine: false,
  createdAt: '2026-05-01T10:00:00.000Z',
  renditions: [320, 1920, 960].map((width) => ({
    width,
    height: width / 2,
    contentType: 'image/webp' as const,
    url: `https://cdn.example/photos/event_summit/x_w${width}.webp?Signature=s`,
  })),
};

describe('fileNameFor', () => {
  it('names the file after the title, with the extension of what is saved', () => {
    expect(fileNameFor(photo, 'image/jpeg')).toBe('Keynote.jpg');
    expect(fileNameFor({ ...photo, title: '키노트 연설 🎤' }, 'image/webp')).toBe('키노트 연설 🎤.webp');
    expect(fileNameFor(photo, 'image/heic')).toBe('Keynote.heic');
  });

  it('keeps out path separators, reserved and control characters and leading dots; shortens a long title', () => {
    expect(fileNameFor({ ...photo, title: '../../etc/passwd' }, 'image/png')).toBe('etc passwd.png');
    expect(fileNameFor({ ...photo, title: 'a:b*c?"d"<e>|f\u0000g\u202eh' }, 'image/png')).toBe('a b c d e f g h.png');
    expect(fileNameFor({ ...photo, title: `${'x'.repeat(199)}y` }, 'image/png')).toBe(`${'x'.repeat(80)}.png`);
  });

  it('falls back to the photo id when nothing of the title is left', () => {
    expect(fileNameFor({ ...photo, title: '...' }, 'image/png')).toBe('photo-01890a5d.png');
  });
});

describe('downloadOf', () => {
  it('saves the published original where the caller has it', () => {
    expect(downloadOf(photo)).toEqual({ url: photo.url, fileName: 'Keynote.jpg' });
  });

  it('else the largest rendition, as WebP', () => {
    const { url: _url, ...withoutOriginal } = photo;
    expect(downloadOf(withoutOriginal)).toEqual({ url: photo.renditions![1]!.url, fileName: 'Keynote.webp' });
  });

  it('else nothing, and never a URL that is not http(s)', () => {
    expect(downloadOf({ ...photo, url: 'javascript:alert(1)', renditions: [] })).toBeNull();
  });
});

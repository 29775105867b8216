import { describe, expect, it } from 'vitest';
import type { EventAccess, Membership } from '#lib/members';
import type { Photo } from '#lib/photos';
import { ExportNames, chooseExportObject, exportEntryName, exportEntryOf, safeFileStem } from '#lib/export-entries';

const EVENT = 'summit-2026';
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const CALLER = 'caller-sub';
const OTHER = 'other-sub';

function photo(overrides: Partial<Photo> = {}): Photo {
  return {
    photoId: PHOTO_ID,
    eventId: EVENT,
    title: 'Keynote',
    description: '',
    contentType: 'image/jpeg',
    size: 1234,
    sha256: 'ab'.repeat(32),
    url: `https://cdn.example/photos/event_${EVENT}/${PHOTO_ID}.jpg`,
    uploaderId: OTHER,
    uploaderName: 'Ana',
    objectKeys: [],
    renditions: [
      { width: 320, height: 240, contentType: 'image/webp', url: 'https://cdn.example/a_w320.webp' },
      { width: 1000, height: 750, contentType: 'image/webp', url: 'https://cdn.example/a_w1920.webp' },
    ],
    createdAt: '2026-05-01T10:00:00.000Z',
    ...overrides,
  };
}

const member = (rights: Partial<Membership> = {}): EventAccess => ({
  kind: 'member',
  membership: {
    eventId: EVENT,
    memberId: '0'.repeat(32),
    userId: CALLER,
    displayName: 'Caller',
    joinedAt: '2026-04-01T00:00:00.000Z',
    upload: true,
    viewOthers: true,
    downloadOriginals: true,
    ...rights,
  },
});
const ORGANIZER: EventAccess = { kind: 'organizer' };

describe('chooseExportObject', () => {
  it('takes the published original for a caller who may download it', () => {
    for (const access of [ORGANIZER, member()]) {
      expect(chooseExportObject(photo(), access, CALLER)).toEqual({
        include: true,
        kind: 'original',
        key: `photos/event_${EVENT}/${PHOTO_ID}.jpg`,
        extension: 'jpg',
      });
    }
    expect(chooseExportObject(photo({ contentType: 'image/png' }), ORGANIZER, CALLER)).toMatchObject({
      key: `photos/event_${EVENT}/${PHOTO_ID}.png`,
      extension: 'png',
    });
  });

  it('takes the largest rendition (its key by target width) when no original is published, or the caller may not have it', () => {
    const largest = { include: true, kind: 'rendition', key: `photos/event_${EVENT}/${PHOTO_ID}_w1920.webp`, extension: 'webp' };
    const { url: _url, ...withheld } = photo({ contentType: 'image/heic' });
    expect(chooseExportObject(withheld, ORGANIZER, CALLER)).toEqual(largest);
    expect(chooseExportObject(photo(), member({ downloadOriginals: false }), CALLER)).toEqual(largest);
    // The uploader may always have their own published original.
    expect(chooseExportObject(photo({ uploaderId: CALLER }), member({ downloadOriginals: false }), CALLER)).toMatchObject({
      kind: 'original',
    });
  });

  it('skips a photo with no file the caller may have, and one they may not see', () => {
    const { url: _url, ...withheld } = photo({ renditions: [] });
    expect(chooseExportObject(withheld, ORGANIZER, CALLER)).toEqual({ include: false, reason: 'noFile' });
    const { renditions: _none, ...noRenditions } = withheld;
    expect(chooseExportObject(noRenditions, ORGANIZER, CALLER)).toEqual({ include: false, reason: 'noFile' });
    expect(chooseExportObject(photo(), member({ viewOthers: false }), CALLER)).toEqual({ include: false, reason: 'hidden' });
    expect(chooseExportObject(photo({ uploaderId: CALLER }), member({ viewOthers: false }), CALLER)).toMatchObject({ include: true });
  });
});

describe('safeFileStem', () => {
  it.each([
    ['Keynote, day one', 'Keynote, day one'],
    ['../../etc/passwd', '_.._etc_passwd'],
    ['..', ''],
    ['.hidden', 'hidden'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j'],
    ['tab\tand\nnew line\r\u0000nul\u007fdel\u0085nel', 'tab and new line nul del nel'],
    ['trailing dots...  ', 'trailing dots'],
    ['  many    spaces  ', 'many spaces'],
    ['', ''],
    ['\u0000\u0001', ''],
  ])('%j -> %j', (title, stem) => {
    expect(safeFileStem(title)).toBe(stem);
  });

  it('removes bidi controls and invisible characters, so that a name reads as it is', () => {
    // U+202E would show `photo\u202Egpj.exe` as `photoexe.jpg`.
    expect(safeFileStem('photo\u202egpj.exe')).toBe('photo gpj.exe');
    expect(safeFileStem('a\u200bb\u2066c\u2069d\ufeffe\u200ef')).toBe('a b c d e f');
    expect(safeFileStem('line\u2028para\u2029end')).toBe('line para end');
  });

  it('keeps Unicode titles readable: NFC, scripts, emoji sequences whole', () => {
    expect(safeFileStem('Cafe\u0301 à Zürich')).toBe('Café à Zürich');
    expect(safeFileStem('Café').length).toBe(4);
    expect(safeFileStem('東京の夜景')).toBe('東京の夜景');
    expect(safeFileStem('عيد سعيد')).toBe('عيد سعيد');
    expect(safeFileStem('family 👨‍👩‍👧 🇫🇷')).toBe('family 👨‍👩‍👧 🇫🇷');
    expect(safeFileStem('می‌خواهم')).toBe('می‌خواهم'); // the ZWNJ Persian needs
  });

  it('cuts a long title at a character boundary to the byte budget, never inside an emoji or a letter', () => {
    const long = safeFileStem('é'.repeat(200));
    expect(long).toBe('é'.repeat(60));
    expect(new TextEncoder().encode(long).length).toBe(120);
    const emoji = safeFileStem('👨‍👩‍👧'.repeat(20), 40);
    expect(emoji).toBe('👨‍👩‍👧'.repeat(2)); // 18 bytes each
    expect(safeFileStem(`${'a'.repeat(119)} b`)).toBe('a'.repeat(119));
    expect(safeFileStem('\ud800lone surrogate\udc00')).toBe('lone surrogate');
  });
});

describe('names', () => {
  it('names a file by its title, the end of its id and its extension', () => {
    expect(exportEntryName({ title: 'Keynote', photoId: PHOTO_ID }, 'jpg')).toBe('Keynote (099a8057).jpg');
    expect(exportEntryName({ title: '...', photoId: PHOTO_ID }, 'webp')).toBe('photo (099a8057).webp');
    expect(exportEntryName({ title: 'a/b', photoId: PHOTO_ID }, 'png')).toBe('a_b (099a8057).png');
  });

  it('makes duplicates unique, as case-insensitive and normalising file systems compare them', () => {
    const names = new ExportNames();
    expect(names.unique('Keynote (1).jpg')).toBe('Keynote (1).jpg');
    expect(names.unique('Keynote (1).jpg')).toBe('Keynote (1) (2).jpg');
    expect(names.unique('KEYNOTE (1).JPG')).toBe('KEYNOTE (1) (3).JPG');
    expect(names.unique('Keynote (1) (2).jpg')).toBe('Keynote (1) (2) (2).jpg');
    expect(names.unique('Cafe\u0301.png')).toBe('Cafe\u0301.png');
    expect(names.unique('Café.png')).toBe('Café (2).png');
    expect(names.unique('noextension')).toBe('noextension');
    expect(names.unique('noextension')).toBe('noextension (2)');
  });

  it('gives every photo of an event its own safe name, with the right extension', () => {
    const names = new ExportNames();
    const same = (n: number, overrides: Partial<Photo> = {}) =>
      exportEntryOf(photo({ photoId: `${PHOTO_ID.slice(0, -8)}0000000${n}`, title: 'Same', ...overrides }), ORGANIZER, CALLER, names);
    expect(same(1)).toEqual({
      photoId: `${PHOTO_ID.slice(0, -8)}00000001`,
      key: `photos/event_${EVENT}/${PHOTO_ID.slice(0, -8)}00000001.jpg`,
      name: 'Same (00000001).jpg',
      kind: 'original',
      modifiedAt: '2026-05-01T10:00:00.000Z',
    });
    expect(same(2, { contentType: 'image/png' })).toMatchObject({ name: 'Same (00000002).png' });
    const { url: _url, ...withheld } = photo({ photoId: `${PHOTO_ID.slice(0, -8)}00000003`, title: 'Same' });
    expect(exportEntryOf(withheld, ORGANIZER, CALLER, names)).toMatchObject({ name: 'Same (00000003).webp', kind: 'rendition' });
    expect(exportEntryOf(photo(), member({ viewOthers: false }), CALLER, names)).toEqual({ skipped: 'hidden' });
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from '#lib/errors';
import { DEFAULT_MAX_UPLOAD_BYTES } from '#lib/limits';
import { initiateUploadSchema, photoView } from '#lib/photos';
import type { EventAccess } from '#lib/members';
import { batchDeleteSchema, editPhotoSchema } from '#lib/photo-changes';
import { parseOrThrow } from '#lib/validation';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return null;
};
const upload = initiateUploadSchema(DEFAULT_MAX_UPLOAD_BYTES);

describe('titles (initiate-upload and edit)', () => {
  it.each([
    ['a right-to-left override', 'evil\u202egpj.exe'],
    ['a left-to-right embedding', '\u202aTitle'],
    ['a first-strong isolate', 'Title\u2068x\u2069'],
    ['a zero-width space', 'Key\u200bnote'],
    ['a word joiner', 'Key\u2060note'],
    ['a byte order mark', '\ufeffKeynote'],
    ['a zero-width joiner inside a Latin word', 'ad\u200dmin'],
    ['a zero-width non-joiner at the start', '\u200cKeynote'],
    ['a joiner next to a space', 'Key \u200d note'],
  ])('refuses %s with field title', (_name, title) => {
    expect(fieldOf(() => parseOrThrow(editPhotoSchema, { title }))).toBe('title');
    expect(fieldOf(() => parseOrThrow(upload, { title, contentType: 'image/jpeg', size: 1 }))).toBe('title');
  });

  it.each([
    ['Korean and emoji', '키노트 연설 🎤'],
    ['Arabic', 'الكلمة الرئيسية'],
    ['Hebrew with punctuation', 'נאום פתיחה, יום א׳'],
    ['Persian with its zero-width non-joiner', 'می\u200cخواهم'],
    ['Devanagari with a zero-width joiner after a virama', 'क्\u200dष'],
    ['a family emoji (ZWJ sequence)', 'Family 👨\u200d👩\u200d👧'],
    ['a skin-toned ZWJ emoji', '🧑🏽\u200d💻 hacking'],
  ])('accepts %s', (_name, title) => {
    expect(parseOrThrow(editPhotoSchema, { title })).toEqual({ title });
  });

  it('keeps descriptions as they were: bidi controls allowed there', () => {
    expect(parseOrThrow(editPhotoSchema, { description: 'שלום \u202bworld' })).toEqual({ description: 'שלום \u202bworld' });
  });
});

describe('editPhotoSchema', () => {
  it('trims the title and accepts either field alone', () => {
    expect(parseOrThrow(editPhotoSchema, { title: '  New  ' })).toEqual({ title: 'New' });
    expect(parseOrThrow(editPhotoSchema, { description: '' })).toEqual({ description: '' });
  });

  it.each([
    [{}, 'body'],
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ description: 'x'.repeat(2001) }, 'description'],
    [{ title: 'ok', uploaderId: 'me' }, 'uploaderId'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fieldOf(() => parseOrThrow(editPhotoSchema, body))).toBe(field);
  });
});

describe('batchDeleteSchema', () => {
  const ids = (count: number) => Array.from({ length: count }, (_, i) => `01890a5d-ac96-774b-bcce-${String(i).padStart(12, '0')}`);

  it('accepts 1 to 100 photo ids', () => {
    expect(parseOrThrow(batchDeleteSchema, { photoIds: ids(1) }).photoIds).toHaveLength(1);
    expect(parseOrThrow(batchDeleteSchema, { photoIds: ids(100) }).photoIds).toHaveLength(100);
  });

  it.each([
    [{ photoIds: [] }, 'photoIds'],
    [{ photoIds: ids(101) }, 'photoIds'],
    [{ photoIds: PHOTO_ID }, 'photoIds'],
    [{}, 'photoIds'],
    [{ photoIds: [PHOTO_ID, '../x'] }, 'photoIds.1'],
    [{ photoIds: [PHOTO_ID.toUpperCase()] }, 'photoIds.0'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fieldOf(() => parseOrThrow(batchDeleteSchema, body))).toBe(field);
  });
});

describe('photoView', () => {
  const member = (downloadOriginals: boolean): EventAccess => ({
    kind: 'member',
    membership: {
      eventId: 'e',
      memberId: 'm',
      userId: 'x',
      upload: true,
      viewOthers: true,
      downloadOriginals,
      displayName: 'x',
      joinedAt: '',
    },
  });
  const stored = { photoId: PHOTO_ID, uploaderId: 'up', uploaderName: 'ana', objectKeys: ['k'] };
  const published = { ...stored, url: 'https://cdn/p.jpg', publishedSize: 10, publishedSha256: 'a'.repeat(64) };

  it('drops the uploader sub and the object keys, adds mine', () => {
    expect(photoView(stored, 'up', member(false))).toEqual({ photoId: PHOTO_ID, uploaderName: 'ana', mine: true });
    expect(photoView(stored, 'other', member(false))).toEqual({ photoId: PHOTO_ID, uploaderName: 'ana', mine: false });
  });

  it.each([
    ['the uploader', 'up', member(false)],
    ['the organizer', 'other', { kind: 'organizer' } as const],
    ['a member whose invite has downloadOriginals', 'other', member(true)],
  ])('shows the published original to %s', (_who, callerId, access) => {
    expect(photoView(published, callerId, access)).toMatchObject({
      url: published.url,
      publishedSize: 10,
      publishedSha256: published.publishedSha256,
    });
  });

  it('answers another member without downloadOriginals no original: no url, size or hash', () => {
    expect(photoView(published, 'other', member(false))).toEqual({ photoId: PHOTO_ID, uploaderName: 'ana', mine: false });
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type InviteRights, ORIGINAL_URL_SECONDS } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { ALL_RIGHTS, FIXTURE_EVENT_ID as EVENT_ID, eventRecord, photoRecord, seedMember, seedPhoto } from '@event-photos/testing/fixtures';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { createHandler, downloadName, type SignOriginal } from './get-original';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const ORGANIZER = 'organizer-sub';
const UPLOADER = 'uploader-sub';
const NOW = new Date('2026-06-01T10:00:00.000Z');

let stores: FakeStores;
let sign: ReturnType<typeof vi.fn<SignOriginal>>;
let handler: ReturnType<typeof createHandler>;

function invoke(sub: string, photoId = PHOTO_ID) {
  return handler(
    httpEvent({ path: `/events/${EVENT_ID}/photos/${photoId}/original`, pathParameters: { eventId: EVENT_ID, photoId }, claims: { sub } }),
    lambdaContext(),
  );
}

beforeEach(async () => {
  stores = fakeStores();
  sign = vi.fn<SignOriginal>(async (key) => ({
    url: `https://s3.example/${key}?X-Amz-Signature=x`,
    expiresAt: new Date(NOW.getTime() + ORIGINAL_URL_SECONDS * 1000),
  }));
  handler = createHandler(stores, sign, async () => true);
  await stores.photos.createEvent(eventRecord({ organizerId: ORGANIZER }));
  await seedMember(stores.members, EVENT_ID, UPLOADER);
  await seedPhoto(stores.photos, photoRecord({ photoId: PHOTO_ID, uploaderId: UPLOADER, title: 'Keynote' }));
});

const member = (rights: InviteRights = ALL_RIGHTS) => seedMember(stores.members, EVENT_ID, TEST_SUB, { rights });

describe('get-original', () => {
  it.each([
    ['its uploader', UPLOADER],
    ['the organizer', ORGANIZER],
  ])('signs a 5-minute GET of the untouched original for %s', async (_who, sub) => {
    const result = await invoke(sub);
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      url: `https://s3.example/originals/event_${EVENT_ID}/${PHOTO_ID}.jpg?X-Amz-Signature=x`,
      expiresAt: '2026-06-01T10:05:00.000Z',
    });
    expect(sign).toHaveBeenCalledWith(`originals/event_${EVENT_ID}/${PHOTO_ID}.jpg`, 'Keynote.jpg');
    expect(ORIGINAL_URL_SECONDS).toBeLessThanOrEqual(300);
  });

  it('answers another member 403, even one whose invite allows downloads (they get the published original)', async () => {
    await member();
    const result = await invoke(TEST_SUB);
    expect(result.statusCode).toBe(403);
    expect(sign).not.toHaveBeenCalled();
  });

  it('answers 404 to a non-member, as for an event that does not exist', async () => {
    const result = await invoke('stranger');
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error.field).toBe('eventId');
  });

  it("answers 404 to a member who sees only their own photos, for another's photo", async () => {
    await member({ ...ALL_RIGHTS, viewOthers: false });
    const result = await invoke(TEST_SUB);
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error.field).toBe('photoId');
  });

  it('answers 404 for a photo that does not exist, and 400 for an id that is not one', async () => {
    expect((await invoke(UPLOADER, '01890a5d-ac96-774b-bcce-000000000000')).statusCode).toBe(404);
    const bad = await invoke(UPLOADER, '../x');
    expect(bad.statusCode).toBe(400);
    expect(jsonOf(bad).error.field).toBe('photoId');
  });

  it('answers 404 for a photo processed before untouched originals were kept', async () => {
    const older = '01890a5d-ac96-774b-bcce-b30209900001';
    await seedPhoto(
      stores.photos,
      photoRecord({ photoId: older, sha256: 'ef'.repeat(32), uploaderId: UPLOADER, objectKeys: [`photos/event_${EVENT_ID}/${older}.jpg`] }),
    );
    expect((await invoke(UPLOADER, older)).statusCode).toBe(404);
    expect(sign).not.toHaveBeenCalled();
  });
});

describe('downloadName', () => {
  it.each([
    ['Keynote', 'Keynote.jpg'],
    ['키노트 연설 🎤', '키노트 연설 🎤.jpg'],
    ['../../etc/passwd', 'etc passwd.jpg'],
    ['a\u0000b\u202Ec', 'a b c.jpg'],
    ['   ', `${PHOTO_ID}.jpg`],
    ['x'.repeat(300), `${'x'.repeat(100)}.jpg`],
  ])('names %j as %j', (title, name) => {
    expect(downloadName({ title, photoId: PHOTO_ID, contentType: 'image/jpeg' })).toBe(name);
  });
});

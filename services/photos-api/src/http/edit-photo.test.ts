import { beforeEach, describe, expect, it } from 'vitest';
import type { PhotoEvent } from '@event-photos/core';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import {
  FIXTURE_EVENT_ID as EVENT_ID,
  ORGANIZER_ID,
  UNLIMITED_QUOTAS,
  UPLOADER_ID,
  eventRecord,
  photoRecord,
  seedMember,
  seedPhoto,
  uploadRecord,
} from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { expectSignedUrls, publishedPhoto, testSigner } from '../test-support/cdn-signer';
import { createHandler } from './edit-photo';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const OTHER_ID = '01890a5d-ac96-774b-bcce-b302099a8058';
const STRANGER = 'stranger-sub';
const photo = photoRecord({ photoId: PHOTO_ID });
/** The claim of a member of the organizers group (tokenGroups reads it). */
const IN_ORGANIZERS = { 'cognito:groups': ['organizers'] };

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(body: unknown, sub = UPLOADER_ID, photoId = PHOTO_ID, claims: Record<string, string[]> = {}) {
  return handler(
    httpEvent({
      method: 'PATCH',
      path: '/events/x/photos/y',
      pathParameters: { eventId: EVENT_ID, photoId },
      body,
      claims: { sub, ...claims },
    }),
    lambdaContext(),
  );
}

/**
 * The event, its members (the organizer too, for when the group no longer holds them) and its
 * processed photo (its upload record too, as processing leaves it).
 */
async function arrange(event: PhotoEvent = eventRecord()) {
  stores = fakeStores();
  handler = createHandler(stores, tokenGroups, testSigner);
  await stores.photos.createEvent(event);
  for (const member of [UPLOADER_ID, STRANGER, ORGANIZER_ID]) await seedMember(stores.members, EVENT_ID, member);
  await seedPhoto(stores.photos, photo);
}

beforeEach(() => arrange());

describe('edit-photo', () => {
  it("signs the updated photo's URL and rendition URLs; the stored ones stay unsigned", async () => {
    const published = publishedPhoto({ photoId: '01890a5d-ac96-774b-bcce-b302099a8059', uploaderId: UPLOADER_ID, sha256: 'cd'.repeat(32) });
    await seedPhoto(stores.photos, published);
    const result = await invoke({ title: 'Signed' }, UPLOADER_ID, published.photoId);
    expect(result.statusCode).toBe(200);
    expectSignedUrls(jsonOf(result));
    expect((await stores.photos.getPhoto(EVENT_ID, published.photoId))?.url).toBe(published.url);
  });

  it('lets the uploader change the title and answers the photo as the caller sees it', async () => {
    const result = await invoke({ title: '  키노트 🎤 ', description: 'Day one' });
    expect(result.statusCode).toBe(200);
    const body = jsonOf(result);
    expect(body).toMatchObject({
      photoId: PHOTO_ID,
      title: '키노트 🎤',
      description: 'Day one',
      uploaderName: 'ana',
      mine: true,
      status: 'ready',
    });
    expect(body).not.toHaveProperty('uploaderId');
    expect(body).not.toHaveProperty('objectKeys');
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toStrictEqual({
      ...photo,
      title: '키노트 🎤',
      description: 'Day one',
    });
  });

  it("lets the event's organizer edit while in the organizers group (mine: false)", async () => {
    const result = await invoke({ description: 'Edited by the organizer' }, ORGANIZER_ID, PHOTO_ID, IN_ORGANIZERS);
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toMatchObject({ description: 'Edited by the organizer', title: 'Keynote', mine: false });
  });

  it.each([
    ['anyone else', STRANGER, {}],
    ['another member of the organizers group', STRANGER, IN_ORGANIZERS],
    ["the event's organizer once out of the organizers group", ORGANIZER_ID, {}],
  ])('refuses %s with 403 and changes nothing', async (_name, sub, claims) => {
    const result = await invoke({ title: 'Mine now' }, sub, PHOTO_ID, claims);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toStrictEqual(photo);
  });

  it.each([
    ['a stranger, as for an unknown event', 'outsider-sub', 'eventId'],
    ['a member who sees only their own photos, as for an unknown photo', 'guest-sub', 'photoId'],
  ])('answers 404 to %s, and changes nothing', async (_name, sub, field) => {
    await seedMember(stores.members, EVENT_ID, 'guest-sub', { rights: { upload: true, viewOthers: false, downloadOriginals: false } });
    expect(jsonOf(await invoke({ title: 'Mine now' }, sub))).toMatchObject({ error: { code: 'NotFound', field } });
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toStrictEqual(photo);
  });

  it('refuses the organizer of an event that has none recorded: only the uploader then', async () => {
    await arrange(eventRecord({ organizerId: undefined }));
    expect((await invoke({ title: 'x' }, ORGANIZER_ID, PHOTO_ID, IN_ORGANIZERS)).statusCode).toBe(403);
    expect((await invoke({ title: 'x' }, UPLOADER_ID)).statusCode).toBe(200);
  });

  it.each([
    ['a right-to-left override', { title: 'photo\u202egpj' }, 'title'],
    ['a zero-width space', { title: 'Key\u200bnote' }, 'title'],
    ['an empty body', {}, 'body'],
    ['an unknown field', { title: 'x', uploaderId: STRANGER }, 'uploaderId'],
  ])('answers 400 for %s naming %s', async (_name, body, field) => {
    const result = await invoke(body);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    await expect(stores.photos.getPhoto(EVENT_ID, PHOTO_ID)).resolves.toStrictEqual(photo);
  });

  it('answers 404 for an unknown or deleted photo, 409 for one not processed yet', async () => {
    expect((await invoke({ title: 'x' }, UPLOADER_ID, OTHER_ID)).statusCode).toBe(404);
    await stores.photos.reserveUpload(uploadRecord({ photoId: OTHER_ID }), UNLIMITED_QUOTAS);
    const pending = await invoke({ title: 'x' }, UPLOADER_ID, OTHER_ID);
    expect(pending.statusCode).toBe(409);
    await stores.photos.deletePhoto(EVENT_ID, PHOTO_ID, UPLOADER_ID);
    expect((await invoke({ title: 'x' })).statusCode).toBe(404);
  });

  it('answers 409 for a photo accepted but not ready yet (its objects are being published), and changes nothing', async () => {
    const accepted = photoRecord({ photoId: OTHER_ID, sha256: 'cd'.repeat(32) });
    await seedPhoto(stores.photos, accepted, { ready: false });
    expect((await invoke({ title: 'x' }, UPLOADER_ID, OTHER_ID)).statusCode).toBe(409);
    await stores.photos.markPhotoReady(EVENT_ID, OTHER_ID, accepted.createdAt);
    await expect(stores.photos.getPhoto(EVENT_ID, OTHER_ID)).resolves.toStrictEqual(accepted);
  });

  it('answers 403 to a stranger for a pending photo too (not 409: it says nothing of the photo)', async () => {
    await stores.photos.reserveUpload(uploadRecord({ photoId: OTHER_ID }), UNLIMITED_QUOTAS);
    expect((await invoke({ title: 'x' }, STRANGER, OTHER_ID)).statusCode).toBe(403);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { ORGANIZER, STRANGER, UPLOADER, ddb, itemOf, photoFor, putEvent, putPhoto, putUpload, resetTable, uploadFor } from '../test-support/photo-table';
import { handler } from './edit-photo';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

function invoke(body: unknown, sub = UPLOADER, photoId = PHOTO_ID) {
  return handler(
    httpEvent({ method: 'PATCH', path: '/events/x/photos/y', pathParameters: { eventId: 'summit-2026', photoId }, body, claims: { sub } }),
    lambdaContext(),
  );
}

beforeEach(() => {
  resetTable();
  putEvent();
  putPhoto(photoFor(PHOTO_ID));
  putUpload(uploadFor(PHOTO_ID));
});

describe('edit-photo', () => {
  it('lets the uploader change the title and answers the photo as the caller sees it', async () => {
    const result = await invoke({ title: '  키노트 🎤 ', description: 'Day one' });
    expect(result.statusCode).toBe(200);
    const body = jsonOf(result);
    expect(body).toMatchObject({ photoId: PHOTO_ID, title: '키노트 🎤', description: 'Day one', uploaderName: 'ana', mine: true, status: 'ready' });
    expect(body).not.toHaveProperty('uploaderId');
    expect(body).not.toHaveProperty('objectKeys');
    expect(itemOf(`PHOTO#${PHOTO_ID}`)).toMatchObject({ title: '키노트 🎤', description: 'Day one', uploaderId: UPLOADER });
  });

  it("lets the event's organizer edit (mine: false)", async () => {
    const result = await invoke({ description: 'Edited by the organizer' }, ORGANIZER);
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toMatchObject({ description: 'Edited by the organizer', title: 'Keynote', mine: false });
  });

  it('refuses anyone else with 403 and changes nothing', async () => {
    const result = await invoke({ title: 'Mine now' }, STRANGER);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('refuses the organizer of an event that has none recorded: only the uploader then', async () => {
    putEvent({ organizerId: undefined });
    expect((await invoke({ title: 'x' }, ORGANIZER)).statusCode).toBe(403);
    expect((await invoke({ title: 'x' }, UPLOADER)).statusCode).toBe(200);
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
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 404 for an unknown or deleted photo, 409 for one not processed yet', async () => {
    const other = '01890a5d-ac96-774b-bcce-b302099a8058';
    expect((await invoke({ title: 'x' }, UPLOADER, other)).statusCode).toBe(404);
    putUpload(uploadFor(other));
    const pending = await invoke({ title: 'x' }, UPLOADER, other);
    expect(pending.statusCode).toBe(409);
    putUpload(uploadFor(PHOTO_ID, { status: 'deleted' }));
    expect((await invoke({ title: 'x' })).statusCode).toBe(404);
  });

  it('answers 403 to a stranger for a pending photo too (not 409: it says nothing of the photo)', async () => {
    const other = '01890a5d-ac96-774b-bcce-b302099a8058';
    putUpload(uploadFor(other));
    expect((await invoke({ title: 'x' }, STRANGER, other)).statusCode).toBe(403);
  });
});

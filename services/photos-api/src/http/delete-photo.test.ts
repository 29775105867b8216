import { beforeEach, describe, expect, it } from 'vitest';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import {
  ORGANIZER, STRANGER, UPLOADER, ddb, deletedKeys, itemOf, keyOf, photoFor, putEvent, putPhoto, putUpload, resetTable, s3, uploadFor,
} from '../test-support/photo-table';
import { handler } from './delete-photo';

const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

function invoke(sub = UPLOADER, photoId = PHOTO_ID) {
  return handler(
    httpEvent({ method: 'DELETE', path: '/events/x/photos/y', pathParameters: { eventId: 'summit-2026', photoId }, claims: { sub } }),
    lambdaContext(),
  );
}

beforeEach(() => {
  resetTable();
  putEvent();
  putPhoto(photoFor(PHOTO_ID, { objectKeys: [keyOf(PHOTO_ID), `renditions/${PHOTO_ID}-small.webp`] }));
  putUpload(uploadFor(PHOTO_ID));
});

describe('delete-photo', () => {
  it('answers 204 with no body, marks the upload deleted, removes the record and every object', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(itemOf(`PHOTO#${PHOTO_ID}`)).toBeUndefined();
    expect(itemOf(`UPLOAD#${PHOTO_ID}`)).toMatchObject({ status: 'deleted', uploaderId: UPLOADER });
    expect(deletedKeys().sort()).toEqual([`renditions/${PHOTO_ID}-small.webp`, keyOf(PHOTO_ID)].sort());
  });

  it('marks the upload before removing the record, and removes the record before the objects', async () => {
    const order: string[] = [];
    ddb.on(UpdateCommand).callsFake(async () => (order.push('mark'), {}));
    ddb.on(DeleteCommand).callsFake(async ({ Key }: { Key: { sk: string } }) => (order.push(Key.sk.startsWith('HASH#') ? 'claim' : 'record'), {}));
    s3.on(DeleteObjectCommand).callsFake(async () => (order.push('object'), {}));
    await invoke();
    expect(order).toEqual(['mark', 'record', 'claim', 'object', 'object']);
  });

  it('answers 204 again on a repeat, and deletes the objects again (finishing an interrupted delete)', async () => {
    expect((await invoke()).statusCode).toBe(204);
    s3.resetHistory();
    expect((await invoke()).statusCode).toBe(204);
    expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
  });

  it('lets the organizer delete', async () => {
    expect((await invoke(ORGANIZER)).statusCode).toBe(204);
    expect(itemOf(`PHOTO#${PHOTO_ID}`)).toBeUndefined();
  });

  it('refuses anyone else with 403 and deletes nothing', async () => {
    const result = await invoke(STRANGER);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    expect(itemOf(`PHOTO#${PHOTO_ID}`)).toBeDefined();
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(deletedKeys()).toEqual([]);
  });

  it('deletes a pending photo: its upload is marked so processing will discard a late object', async () => {
    const pending = '01890a5d-ac96-774b-bcce-b302099a8058';
    putUpload(uploadFor(pending));
    expect((await invoke(UPLOADER, pending)).statusCode).toBe(204);
    expect(itemOf(`UPLOAD#${pending}`)).toMatchObject({ status: 'deleted' });
    expect(deletedKeys()).toEqual([keyOf(pending)]);
  });

  it('deletes the objects of a photo processing wrote after the first read', async () => {
    const racing = '01890a5d-ac96-774b-bcce-b302099a8059';
    putUpload(uploadFor(racing));
    // Processing writes the photo (with a rendition) between the delete's read and its mark.
    ddb.on(UpdateCommand).callsFake(async () => {
      putPhoto(photoFor(racing, { objectKeys: [keyOf(racing), `renditions/${racing}.webp`] }));
      return {};
    });
    expect((await invoke(UPLOADER, racing)).statusCode).toBe(204);
    expect(itemOf(`PHOTO#${racing}`)).toBeUndefined();
    expect(deletedKeys().sort()).toEqual([`renditions/${racing}.webp`, keyOf(racing)].sort());
  });

  it('answers 404 for a photo never seen, and for an unknown event', async () => {
    expect(jsonOf(await invoke(UPLOADER, '01890a5d-ac96-774b-bcce-b3020990000f')).error.field).toBe('photoId');
    putEvent({ eventId: 'other' });
    resetTable();
    expect(jsonOf(await invoke()).error.field).toBe('eventId');
  });
});

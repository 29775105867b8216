import { beforeEach, describe, expect, it } from 'vitest';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import {
  ORGANIZER, STRANGER, UPLOADER, deletedKeys, itemOf, keyOf, photoFor, putEvent, putPhoto, putUpload, resetTable, uploadFor,
} from '../test-support/photo-table';
import { handler } from './batch-delete-photos';

const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;

function invoke(body: unknown, sub = UPLOADER) {
  return handler(
    httpEvent({ method: 'POST', path: '/events/x/photos/batch-delete', pathParameters: { eventId: 'summit-2026' }, body, claims: { sub } }),
    lambdaContext(),
  );
}

beforeEach(() => {
  resetTable();
  putEvent();
});

describe('batch-delete-photos', () => {
  it('answers one result per distinct id: deleted, notFound, forbidden', async () => {
    putPhoto(photoFor(id(1)));
    putUpload(uploadFor(id(1)));
    putPhoto(photoFor(id(2), { uploaderId: STRANGER }));
    putUpload(uploadFor(id(3))); // pending
    const result = await invoke({ photoIds: [id(1), id(2), id(3), id(4), id(1)] });
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      results: [
        { photoId: id(1), status: 'deleted' },
        { photoId: id(2), status: 'forbidden' },
        { photoId: id(3), status: 'deleted' },
        { photoId: id(4), status: 'notFound' },
      ],
    });
    expect(itemOf(`PHOTO#${id(1)}`)).toBeUndefined();
    expect(itemOf(`PHOTO#${id(2)}`)).toBeDefined();
    expect(deletedKeys().sort()).toEqual([keyOf(id(1)), keyOf(id(3))].sort());
  });

  it("lets the organizer delete everyone's photos", async () => {
    putPhoto(photoFor(id(1)));
    putPhoto(photoFor(id(2), { uploaderId: STRANGER }));
    const { results } = jsonOf(await invoke({ photoIds: [id(1), id(2)] }, ORGANIZER));
    expect(results.map((r: { status: string }) => r.status)).toEqual(['deleted', 'deleted']);
  });

  it('deletes 100 photos in one request', async () => {
    const ids = Array.from({ length: 100 }, (_, n) => id(n));
    for (const photoId of ids) putPhoto(photoFor(photoId));
    const { results } = jsonOf(await invoke({ photoIds: ids }));
    expect(results.every((r: { status: string }) => r.status === 'deleted')).toBe(true);
    expect(deletedKeys()).toHaveLength(100);
  });

  it.each([
    [{ photoIds: Array.from({ length: 101 }, (_, n) => id(n)) }, 'photoIds'],
    [{ photoIds: [] }, 'photoIds'],
    [{ photoIds: [id(1), 'nope'] }, 'photoIds.1'],
    [{ ids: [id(1)] }, 'photoIds'], // the missing field is named first
  ])('answers 400 for %j naming %s, deleting nothing', async (body, field) => {
    putPhoto(photoFor(id(1)));
    const result = await invoke(body);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    expect(itemOf(`PHOTO#${id(1)}`)).toBeDefined();
  });

  it('answers 404 naming eventId for an unknown event', async () => {
    resetTable();
    expect(jsonOf(await invoke({ photoIds: [id(1)] })).error.field).toBe('eventId');
  });
});

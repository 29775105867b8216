import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_STOPPED_REASON, exportArchiveKey, newExport, type PhotoExport } from '@event-photos/core';
import { InMemoryExportStore, fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT, ORGANIZER_ID, eventRecord, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler, type SignExport } from './get-export';

const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const organizer = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };

let stores: FakeStores;
let exports: InMemoryExportStore;
let sign: ReturnType<typeof vi.fn<SignExport>>;
let handler: ReturnType<typeof createHandler>;

const invoke = (options: HttpEventOptions = {}, exportId = EXPORT_ID) =>
  handler(
    httpEvent({ method: 'GET', path: `/events/${EVENT}/exports/${exportId}`, pathParameters: { eventId: EVENT, exportId }, ...options }),
    lambdaContext(),
  );

/** An export of `requesterId`, created `ageSeconds` ago, then run to `status`. */
async function exportOf(
  requesterId: string,
  { status = 'running', ageSeconds = 60 }: { status?: PhotoExport['status']; ageSeconds?: number } = {},
) {
  const created = new Date(Date.now() - ageSeconds * 1000);
  const record = newExport(
    { eventId: EVENT, exportId: EXPORT_ID, requesterId, asOrganizer: requesterId === ORGANIZER_ID, eventName: 'Summit' },
    created,
  );
  await exports.startExport(record, created);
  await exports.claimExport(EVENT, EXPORT_ID, { runId: 'run-1', until: new Date(Date.now() + 60_000) }, created);
  await exports.recordProgress(EVENT, EXPORT_ID, 'run-1', { photos: 3, skipped: 0, bytes: 3000 });
  if (status === 'ready') await exports.finishExport(EVENT, EXPORT_ID, 'run-1', { status, photos: 4, skipped: 1, bytes: 9000 }, created);
  if (status === 'failed')
    await exports.finishExport(EVENT, EXPORT_ID, 'run-1', { status, reason: 'Too long', photos: 0, skipped: 0, bytes: 0 }, created);
  return record;
}

beforeEach(async () => {
  stores = fakeStores();
  exports = new InMemoryExportStore();
  sign = vi.fn<SignExport>(async (key) => ({
    url: `https://bucket.s3.example/${key}?X-Amz-Signature=abc`,
    expiresAt: new Date('2026-05-01T11:00:00.000Z'),
  }));
  handler = createHandler({ ...stores, exports }, sign, tokenGroups);
  await stores.photos.createEvent(eventRecord());
});

describe('get-export', () => {
  it('tells its requester how far a running export is, without a URL', async () => {
    const record = await exportOf(ORGANIZER_ID);
    const result = await invoke({ claims: organizer });
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['cache-control']).toBe('no-store');
    expect(jsonOf(result)).toEqual({
      exportId: EXPORT_ID,
      status: 'running',
      photos: 3,
      skipped: 0,
      bytes: 3000,
      createdAt: record.createdAt,
    });
    expect(sign).not.toHaveBeenCalled();
  });

  it('answers a ready export with a presigned GET of its zip, an hour at most, named after the event', async () => {
    await exportOf(ORGANIZER_ID, { status: 'ready' });
    const result = await invoke({ claims: organizer });
    expect(jsonOf(result)).toMatchObject({
      status: 'ready',
      photos: 4,
      skipped: 1,
      bytes: 9000,
      url: `https://bucket.s3.example/${exportArchiveKey(EVENT, EXPORT_ID)}?X-Amz-Signature=abc`,
      expiresAt: '2026-05-01T11:00:00.000Z',
    });
    expect(sign).toHaveBeenCalledWith(exportArchiveKey(EVENT, EXPORT_ID), 'Summit photos.zip', 3600);
  });

  it('answers a failed export with its reason, and one whose worker stopped past its deadline as failed', async () => {
    await exportOf(ORGANIZER_ID, { status: 'failed' });
    expect(jsonOf(await invoke({ claims: organizer }))).toMatchObject({ status: 'failed', reason: 'Too long' });
    exports = new InMemoryExportStore();
    handler = createHandler({ ...stores, exports }, sign, tokenGroups);
    await exportOf(ORGANIZER_ID, { ageSeconds: 21 * 60 });
    expect(jsonOf(await invoke({ claims: organizer }))).toMatchObject({ status: 'failed', reason: EXPORT_STOPPED_REASON });
    expect(sign).not.toHaveBeenCalled();
  });

  it("answers 404 for another caller's export, as for one that does not exist", async () => {
    await exportOf(ORGANIZER_ID, { status: 'ready' });
    await seedMember(stores.members, EVENT, TEST_SUB);
    const other = await invoke();
    expect(other.statusCode).toBe(404);
    expect(jsonOf(other).error).toEqual({ code: 'NotFound', message: `Export ${EXPORT_ID} does not exist`, field: 'exportId' });
    const unknown = await invoke({ claims: organizer }, '9b2e4f0c-51f3-4c6e-9f0a-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(sign).not.toHaveBeenCalled();
  });

  it('refuses a member who may not download everything (403), and answers anyone else the event’s 404', async () => {
    await seedMember(stores.members, EVENT, TEST_SUB, { rights: { upload: true, viewOthers: true, downloadOriginals: false } });
    await exportOf(TEST_SUB);
    expect((await invoke()).statusCode).toBe(403);
    const stranger = await invoke({ claims: { sub: 'stranger-sub' } });
    expect(stranger.statusCode).toBe(404);
    expect(jsonOf(stranger).error.field).toBe('eventId');
  });

  it('answers 400 naming the field for an invalid exportId or eventId', async () => {
    for (const bad of ['not-a-uuid', EXPORT_ID.toUpperCase(), '..']) {
      const result = await invoke({ claims: organizer }, bad);
      expect(result.statusCode).toBe(400);
      expect(jsonOf(result).error.field).toBe('exportId');
    }
    const result = await invoke({ claims: organizer, pathParameters: { eventId: '..', exportId: EXPORT_ID } });
    expect(jsonOf(result).error.field).toBe('eventId');
  });
});

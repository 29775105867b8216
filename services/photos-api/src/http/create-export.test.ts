import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPORT_DEADLINE_SECONDS } from '@event-photos/core';
import { InMemoryExportStore, RecordingExportQueue, fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT, ORGANIZER_ID, eventRecord, seedMember } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { NOT_STARTED_REASON } from '#exports/start-export';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './create-export';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const organizer = { sub: ORGANIZER_ID, 'cognito:groups': ['organizers'] };

let stores: FakeStores;
let exports: InMemoryExportStore;
let queue: RecordingExportQueue;
let handler: ReturnType<typeof createHandler>;

const invoke = (options: HttpEventOptions = {}) =>
  handler(httpEvent({ method: 'POST', path: `/events/${EVENT}/exports`, pathParameters: { eventId: EVENT }, ...options }), lambdaContext());

beforeEach(async () => {
  stores = fakeStores();
  exports = new InMemoryExportStore();
  queue = new RecordingExportQueue();
  handler = createHandler({ ...stores, exports, queue }, tokenGroups);
  await stores.photos.createEvent(eventRecord({ name: 'Summit 2026' }));
});

describe('create-export', () => {
  it("answers 202 with the new export's id for the organizer, records it running and asks for the worker", async () => {
    const result = await invoke({ claims: organizer });
    expect(result.statusCode).toBe(202);
    const { exportId } = jsonOf(result);
    expect(jsonOf(result)).toEqual({ exportId: expect.stringMatching(UUID) });
    expect(queue.requested).toEqual([{ eventId: EVENT, exportId }]);
    const recorded = await exports.getExport(EVENT, exportId, new Date());
    expect(recorded).toMatchObject({ requesterId: ORGANIZER_ID, asOrganizer: true, status: 'running', fileName: 'Summit 2026 photos.zip' });
    expect(Date.parse(recorded!.deadline) - Date.parse(recorded!.createdAt)).toBe(EXPORT_DEADLINE_SECONDS * 1000);
  });

  it('lets a member whose invite allows downloading originals export, as a member', async () => {
    await seedMember(stores.members, EVENT, TEST_SUB, { rights: { upload: false, viewOthers: false, downloadOriginals: true } });
    const result = await invoke();
    expect(result.statusCode).toBe(202);
    await expect(exports.getExport(EVENT, jsonOf(result).exportId, new Date())).resolves.toMatchObject({
      requesterId: TEST_SUB,
      asOrganizer: false,
    });
  });

  it('answers the running export again while it runs: one at a time per caller and event, nothing new started', async () => {
    const first = jsonOf(await invoke({ claims: organizer })).exportId;
    const again = await invoke({ claims: organizer });
    expect(again.statusCode).toBe(202);
    expect(jsonOf(again).exportId).toBe(first);
    expect(queue.requested).toHaveLength(1);
    // Another caller is not held back.
    await seedMember(stores.members, EVENT, TEST_SUB);
    expect(jsonOf(await invoke()).exportId).not.toBe(first);
    expect(queue.requested).toHaveLength(2);
  });

  it('refuses a member whose invite does not allow downloading originals (403), and tells anyone else the event does not exist', async () => {
    await seedMember(stores.members, EVENT, TEST_SUB, { rights: { upload: true, viewOthers: true, downloadOriginals: false } });
    const member = await invoke();
    expect(member.statusCode).toBe(403);
    expect(jsonOf(member).error.code).toBe('Forbidden');
    const stranger = await invoke({ claims: { sub: 'stranger-sub' } });
    expect(stranger.statusCode).toBe(404);
    expect(jsonOf(stranger).error).toEqual({ code: 'NotFound', message: `Event ${EVENT} does not exist`, field: 'eventId' });
    expect(queue.requested).toEqual([]);
  });

  it('answers 400 naming eventId for an unsafe one', async () => {
    const result = await invoke({ claims: organizer, pathParameters: { eventId: '../x' } });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('eventId');
  });

  it('ends the export failed when the worker cannot be asked for, so that the caller may ask again at once', async () => {
    queue.failWith = new Error('AccessDenied');
    const started = vi.spyOn(exports, 'startExport');
    const failed = await invoke({ claims: organizer });
    expect(failed.statusCode).toBe(500);
    const failedId = (await started.mock.results[0]!.value).export.exportId;
    await expect(exports.getExport(EVENT, failedId, new Date())).resolves.toMatchObject({ status: 'failed', reason: NOT_STARTED_REASON });
    queue.failWith = undefined;
    const retried = await invoke({ claims: organizer });
    expect(retried.statusCode).toBe(202);
    expect(jsonOf(retried).exportId).not.toBe(failedId);
    expect(queue.requested).toEqual([{ eventId: EVENT, exportId: jsonOf(retried).exportId }]);
  });
});

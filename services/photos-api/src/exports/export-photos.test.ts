import { beforeEach, describe, expect, it } from 'vitest';
import { exportArchiveKey, exportRequestKey, newExport, publishedObjectKey } from '@event-photos/core';
import { InMemoryArchiveWriter, InMemoryExportStore, fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT, ORGANIZER_ID, eventRecord, photoRecord, seedPhoto } from '@event-photos/testing/fixtures';
import { lambdaContext as buildContext } from '@event-photos/testing';
import { s3Event } from '../test-support/events';
import { createHandler } from '#exports/export-photos';

const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const REQUEST = exportRequestKey(EVENT, EXPORT_ID);
/** The worker's 15 minutes (serverless.yml). */
const lambdaContext = (functionName: string) => buildContext({ functionName, timeoutSeconds: 900, memoryMB: 1024 });

let stores: FakeStores;
let exports: InMemoryExportStore;
let archives: InMemoryArchiveWriter;
let handler: ReturnType<typeof createHandler>;

beforeEach(async () => {
  stores = fakeStores();
  exports = new InMemoryExportStore();
  archives = new InMemoryArchiveWriter(stores.objects);
  handler = createHandler({ exports, members: stores.members, listing: stores.listing, archives, objects: stores.objects });
  await stores.photos.createEvent(eventRecord());
  const photo = await seedPhoto(stores.photos, photoRecord());
  stores.objects.put(publishedObjectKey(EVENT, photo.photoId, 'image/jpeg'), Buffer.from('jpeg'));
  stores.objects.put(REQUEST, Buffer.from('{}'));
});

describe('export-photos (the worker)', () => {
  it('runs the export its request names, then deletes the request', async () => {
    await exports.startExport(
      newExport({ eventId: EVENT, exportId: EXPORT_ID, requesterId: ORGANIZER_ID, asOrganizer: true, eventName: 'Summit' }, new Date()),
      new Date(),
    );
    await expect(handler(s3Event(REQUEST), lambdaContext('exportPhotos'))).resolves.toEqual({
      ready: 1,
      failed: 0,
      notRunning: 0,
      notARequest: 0,
    });
    expect(archives.zips.get(exportArchiveKey(EVENT, EXPORT_ID))?.entries).toHaveLength(1);
    expect(stores.objects.has(REQUEST)).toBe(false);
    // A second delivery of the same event runs nothing.
    await expect(handler(s3Event(REQUEST), lambdaContext('exportPhotos'))).resolves.toMatchObject({ ready: 0, notRunning: 1 });
  });

  it('skips a key that is no export request', async () => {
    const result = await handler(s3Event('exports/requests/event_x/not-an-id.json', '%E0%A4%A'), lambdaContext('exportPhotos'));
    expect(result).toEqual({ ready: 0, failed: 0, notRunning: 0, notARequest: 2 });
  });
});

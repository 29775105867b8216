import { beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { exportArchiveKey, newExport, publishedObjectKey, renditionObjectKey, type Photo, type PhotoExport } from '@event-photos/core';
import {
  InMemoryArchiveWriter,
  InMemoryExportStore,
  InMemoryMembershipStore,
  InMemoryObjectStore,
  InMemoryPhotoStore,
} from '@event-photos/testing/fakes';
import { FIXTURE_EVENT_ID as EVENT, ORGANIZER_ID, eventRecord, photoRecord, seedMember, seedPhoto } from '@event-photos/testing/fixtures';
import { FAILED_REASON, FINISH_MARGIN_MS, NOT_ALLOWED_REASON, NOT_MEMBER_REASON, TOO_LONG_REASON, runExport } from '#exports/run-export';

const GUEST = 'guest-sub';
const OTHER = 'other-sub';
const NOW = new Date('2026-05-02T10:00:00.000Z');
const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;

let photos: InMemoryPhotoStore;
let members: InMemoryMembershipStore;
let objects: InMemoryObjectStore;
let exports: InMemoryExportStore;
let archives: InMemoryArchiveWriter;
const stores = () => ({ exports, members, listing: photos, archives });

/** A ready photo with its published original and renditions in the bucket (`original: false`: none published). */
async function photo(n: number, { uploaderId = OTHER, title = `Photo ${n}`, original = true, renditions = true } = {}): Promise<Photo> {
  const photoId = id(n);
  const record = photoRecord({
    photoId,
    uploaderId,
    title,
    sha256: String(n).padStart(64, '0'),
    createdAt: `2026-05-01T10:00:${String(n).padStart(2, '0')}.000Z`,
    url: original ? `https://cdn.example/${photoId}.jpg` : undefined,
    renditions: renditions
      ? [{ width: 1200, height: 900, contentType: 'image/webp', url: `https://cdn.example/${photoId}_w1920.webp` }]
      : [],
  });
  await seedPhoto(photos, record);
  if (original) objects.put(publishedObjectKey(EVENT, photoId, 'image/jpeg'), Buffer.from(`original ${n}`));
  if (renditions) objects.put(renditionObjectKey(EVENT, photoId, 1200), Buffer.from(`rendition ${n}`));
  return record;
}

async function requested(requesterId: string, asOrganizer: boolean): Promise<PhotoExport> {
  const record = newExport({ eventId: EVENT, exportId: EXPORT_ID, requesterId, asOrganizer, eventName: 'Summit' }, NOW);
  await exports.startExport(record, NOW);
  return record;
}

const run = (options: { runId?: string; remainingMs?: number; now?: Date } = {}) =>
  runExport(
    stores(),
    { eventId: EVENT, exportId: EXPORT_ID },
    {
      runId: options.runId ?? 'run-1',
      remainingMs: options.remainingMs ?? 900_000,
      now: () => options.now ?? NOW,
    },
  );
const zip = () => archives.zips.get(exportArchiveKey(EVENT, EXPORT_ID));
const entryNames = () => zip()?.entries.map((entry) => entry.name);
const entryText = () => zip()?.entries.map((entry) => Buffer.from(entry.bytes).toString());
const recorded = () => exports.getExport(EVENT, EXPORT_ID, NOW);

beforeEach(async () => {
  photos = new InMemoryPhotoStore();
  members = new InMemoryMembershipStore(photos);
  objects = new InMemoryObjectStore();
  exports = new InMemoryExportStore();
  archives = new InMemoryArchiveWriter(objects);
  await photos.createEvent(eventRecord({ eventId: EVENT, organizerId: ORGANIZER_ID }));
});

describe('runExport', () => {
  it('zips every ready photo for the organizer: published originals, else the largest rendition; one with neither is counted skipped', async () => {
    await photo(1, { title: 'Keynote' });
    await photo(2, { title: 'Keynote', original: false });
    await photo(3, { original: false, renditions: false });
    await photo(4, { title: '../../etc/passwd' });
    await seedPhoto(photos, photoRecord({ photoId: id(5), sha256: '5'.repeat(64) }), { ready: false }); // not ready: not listed
    await requested(ORGANIZER_ID, true);

    await expect(run()).resolves.toBe('ready');

    expect(zip()!.fileName).toBe('Summit photos.zip');
    // Newest first, as the event lists them.
    expect(entryNames()).toEqual(['_.._etc_passwd (00000004).jpg', 'Keynote (00000002).webp', 'Keynote (00000001).jpg']);
    expect(entryText()).toEqual(['original 4', 'rendition 2', 'original 1']);
    expect(zip()!.entries[0]!.modifiedAt).toBe('2026-05-01T10:00:04.000Z');
    await expect(recorded()).resolves.toMatchObject({ status: 'ready', photos: 3, skipped: 1, bytes: 31, finishedAt: NOW.toISOString() });
  });

  it('zips only their own photos for a member who sees no one else’s, and reads their rights again when it starts', async () => {
    await seedMember(members, EVENT, GUEST, { rights: { upload: true, viewOthers: false, downloadOriginals: true } });
    await photo(1, { uploaderId: GUEST });
    await photo(2);
    await requested(GUEST, false);
    await expect(run()).resolves.toBe('ready');
    expect(entryText()).toEqual(['original 1']);
    await expect(recorded()).resolves.toMatchObject({ status: 'ready', photos: 1, skipped: 0 });
  });

  it('fails the export of a member removed since they asked, or whose rights no longer allow it', async () => {
    await photo(1);
    await requested(GUEST, false);
    await expect(run()).resolves.toBe('failed');
    await expect(recorded()).resolves.toMatchObject({ status: 'failed', reason: NOT_MEMBER_REASON });
    expect(zip()).toBeUndefined();

    exports = new InMemoryExportStore();
    await seedMember(members, EVENT, GUEST, { rights: { upload: true, viewOthers: true, downloadOriginals: false } });
    await requested(GUEST, false);
    await expect(run()).resolves.toBe('failed');
    await expect(recorded()).resolves.toMatchObject({ status: 'failed', reason: NOT_ALLOWED_REASON });
  });

  it('counts a photo whose object is gone (deleted meanwhile) as skipped', async () => {
    await photo(1);
    await photo(2);
    await objects.delete(publishedObjectKey(EVENT, id(1), 'image/jpeg'));
    await requested(ORGANIZER_ID, true);
    await expect(run()).resolves.toBe('ready');
    await expect(recorded()).resolves.toMatchObject({ photos: 1, skipped: 1 });
  });

  it('does nothing for an export that is not running, or that another run holds', async () => {
    await photo(1);
    await requested(ORGANIZER_ID, true);
    await exports.claimExport(EVENT, EXPORT_ID, { runId: 'run-0', until: new Date(NOW.getTime() + 60_000) }, NOW);
    await expect(run()).resolves.toBe('notRunning');
    await exports.finishExport(EVENT, EXPORT_ID, 'run-0', { status: 'ready', photos: 0, skipped: 0, bytes: 0 }, NOW);
    await expect(run({ now: new Date(NOW.getTime() + 120_000) })).resolves.toBe('notRunning');
    expect(zip()).toBeUndefined();
    await expect(run({ now: new Date(NOW.getTime() + 3600_000) })).resolves.toBe('notRunning');
  });

  it('ends the export failed, with a reason, when its time is up: it is never left running', async () => {
    for (let n = 1; n <= 5; n++) await photo(n);
    await requested(ORGANIZER_ID, true);
    archives.beforeEntry = () => sleep(40);
    // 100 ms of work left before the margin kept to finish.
    await expect(run({ remainingMs: FINISH_MARGIN_MS + 100 })).resolves.toBe('failed');
    await expect(recorded()).resolves.toMatchObject({ status: 'failed', reason: TOO_LONG_REASON });
    expect(zip()).toBeUndefined();
  });

  it('fails at once when the invocation starts too late to finish (the export waited past its deadline)', async () => {
    await photo(1);
    await requested(ORGANIZER_ID, true);
    await expect(run({ now: new Date(NOW.getTime() + 19.8 * 60_000) })).resolves.toBe('failed');
    await expect(recorded()).resolves.toMatchObject({ status: 'failed', reason: TOO_LONG_REASON });
  });

  it('ends the export failed when the writer fails', async () => {
    await photo(1);
    await requested(ORGANIZER_ID, true);
    archives.beforeEntry = async () => {
      throw new Error('SlowDown');
    };
    await expect(run()).resolves.toBe('failed');
    await expect(recorded()).resolves.toMatchObject({ status: 'failed', reason: FAILED_REASON });
  });
});

import { describe, expect, it } from 'vitest';
import type { EventAccess } from '#lib/members';
import {
  EXPORT_STOPPED_REASON,
  exportArchiveKey,
  exportFileName,
  exportIdSchema,
  exportRequestKey,
  exportUrlSeconds,
  exportView,
  mayExport,
  newExport,
  parseExportRequestKey,
} from '#lib/exports';

const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const NOW = new Date('2026-05-01T10:00:00.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const created = newExport(
  { eventId: 'summit-2026', exportId: EXPORT_ID, requesterId: 'ana-sub', asOrganizer: false, eventName: 'Summit' },
  NOW,
);

describe('newExport', () => {
  it('records a running export with a 20-minute deadline and a one-day record', () => {
    expect(created).toEqual({
      eventId: 'summit-2026',
      exportId: EXPORT_ID,
      requesterId: 'ana-sub',
      asOrganizer: false,
      status: 'running',
      fileName: 'Summit photos.zip',
      photos: 0,
      skipped: 0,
      bytes: 0,
      createdAt: '2026-05-01T10:00:00.000Z',
      deadline: '2026-05-01T10:20:00.000Z',
      expiresAt: '2026-05-02T10:00:00.000Z',
    });
  });

  it('names the zip after the event, safely, or its id when nothing of the name is left', () => {
    expect(exportFileName('Summit: day 1/2', 'summit')).toBe('Summit_ day 1_2 photos.zip');
    expect(exportFileName('...', 'summit-2026')).toBe('summit-2026 photos.zip');
    expect(exportFileName('Fête à Zürich 🎉', 'x')).toBe('Fête à Zürich 🎉 photos.zip');
  });
});

describe('exportView', () => {
  it('shows a running export as it is, without the requester', () => {
    const view = exportView({ ...created, photos: 3, bytes: 4096 }, later(60));
    expect(view).toEqual({ exportId: EXPORT_ID, status: 'running', photos: 3, skipped: 0, bytes: 4096, createdAt: created.createdAt });
    expect(JSON.stringify(view)).not.toContain('ana-sub');
  });

  it('shows a running export past its deadline as failed: its worker stopped without saying', () => {
    expect(exportView(created, later(20 * 60))).toMatchObject({ status: 'failed', reason: EXPORT_STOPPED_REASON });
    expect(exportView(created, later(20 * 60 - 1))).toMatchObject({ status: 'running' });
  });

  it('gives a failed export its reason, and a ready one its download', () => {
    expect(exportView({ ...created, status: 'failed', reason: 'Too long' }, later(60))).toMatchObject({
      status: 'failed',
      reason: 'Too long',
    });
    const download = { url: 'https://bucket.s3.example/exports/x.zip?X-Amz-Signature=1', expiresAt: later(3600).toISOString() };
    const ready = { ...created, status: 'ready' as const, photos: 2, skipped: 1, bytes: 9000 };
    expect(exportView(ready, later(21 * 60), download)).toEqual({
      exportId: EXPORT_ID,
      status: 'ready',
      photos: 2,
      skipped: 1,
      bytes: 9000,
      createdAt: created.createdAt,
      ...download,
    });
  });

  it('signs the zip for an hour at most, never past the record', () => {
    expect(exportUrlSeconds(created, NOW)).toBe(3600);
    expect(exportUrlSeconds(created, later(24 * 3600 - 600))).toBe(600);
    expect(exportUrlSeconds(created, later(24 * 3600 + 5))).toBe(1);
  });
});

describe('keys and ids', () => {
  it('keeps requests and archives under exports/, and reads a request key back', () => {
    expect(exportRequestKey('summit-2026', EXPORT_ID)).toBe(`exports/requests/event_summit-2026/${EXPORT_ID}.json`);
    expect(exportArchiveKey('summit-2026', EXPORT_ID)).toBe(`exports/archives/event_summit-2026/${EXPORT_ID}.zip`);
    expect(parseExportRequestKey(exportRequestKey('summit-2026', EXPORT_ID))).toEqual({ eventId: 'summit-2026', exportId: EXPORT_ID });
    for (const key of [
      exportArchiveKey('summit-2026', EXPORT_ID),
      `exports/requests/event_summit-2026/${EXPORT_ID.toUpperCase()}.json`,
      `exports/requests/event_../${EXPORT_ID}.json`,
      `exports/requests/event_summit-2026/${EXPORT_ID}.json.tmp`,
      'uploads/event_summit-2026/x.jpg',
    ]) {
      expect(parseExportRequestKey(key), key).toBeNull();
    }
  });

  it('takes lowercase UUIDs as export ids', () => {
    expect(exportIdSchema.safeParse(EXPORT_ID).success).toBe(true);
    for (const bad of ['', EXPORT_ID.toUpperCase(), '..', `${EXPORT_ID}/x`]) expect(exportIdSchema.safeParse(bad).success).toBe(false);
  });
});

describe('mayExport', () => {
  const member = (downloadOriginals: boolean): EventAccess => ({
    kind: 'member',
    membership: {
      eventId: 'e',
      memberId: 'm',
      userId: 'u',
      displayName: 'U',
      joinedAt: NOW.toISOString(),
      upload: true,
      viewOthers: true,
      downloadOriginals,
    },
  });
  it('lets the organizer and members allowed to download originals export, no other member', () => {
    expect(mayExport({ kind: 'organizer' })).toBe(true);
    expect(mayExport(member(true))).toBe(true);
    expect(mayExport(member(false))).toBe(false);
  });
});

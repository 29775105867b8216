import { beforeEach, describe, expect, it } from 'vitest';
import { newExport, type ExportStore, type PhotoExport } from '@event-photos/core';

export interface ExportStoreSubject {
  exports: ExportStore;
}

const EVENT = 'summit-2026';
const OTHER_EVENT = 'other-event';
const NOW = new Date('2026-05-01T10:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
let ids = 0;
const exportId = () => `9b2e4f0c-51f3-4c6e-9f0a-${String(++ids).padStart(12, '0')}`;

/** A new export of `requesterId`, as POST .../exports makes it at `now`. */
const exportOf = (requesterId: string, { eventId = EVENT, now = NOW } = {}): PhotoExport =>
  newExport({ eventId, exportId: exportId(), requesterId, asOrganizer: false, eventName: 'Summit' }, now);

/**
 * What export-store.ts promises, as one suite: run against the in-memory fake and against the
 * DynamoDB adapter on a local DynamoDB. `subject` gives an empty store for each test.
 */
export function exportStoreContract(name: string, subject: () => Promise<ExportStoreSubject>): void {
  describe(`${name}: the ExportStore contract`, () => {
    let exports: ExportStore;
    beforeEach(async () => {
      ({ exports } = await subject());
    });
    const get = (record: PhotoExport, now = NOW) => exports.getExport(record.eventId, record.exportId, now);
    const claim = (record: PhotoExport, runId: string, { until = at(900), now = NOW } = {}) =>
      exports.claimExport(record.eventId, record.exportId, { runId, until }, now);
    const finish = (record: PhotoExport, runId: string, outcome: 'ready' | 'failed' = 'ready', now = at(60)) =>
      exports.finishExport(
        record.eventId,
        record.exportId,
        runId,
        outcome === 'ready'
          ? { status: 'ready', photos: 2, skipped: 1, bytes: 5000 }
          : { status: 'failed', reason: 'Too long', photos: 1, skipped: 0, bytes: 10 },
        now,
      );

    describe('starting', () => {
      it('records a running export and reads it back, until its record expires', async () => {
        const record = exportOf('ana');
        await expect(exports.startExport(record, NOW)).resolves.toStrictEqual({ started: true, export: record });
        await expect(get(record)).resolves.toStrictEqual(record);
        await expect(get(record, at(24 * 3600 - 1))).resolves.toStrictEqual(record);
        await expect(get(record, at(24 * 3600))).resolves.toBeNull();
        await expect(exports.getExport(OTHER_EVENT, record.exportId, NOW)).resolves.toBeNull();
        await expect(exports.getExport(EVENT, exportId(), NOW)).resolves.toBeNull();
      });

      it('keeps one running export per requester and event: a second request gets the first, and nothing is written', async () => {
        const first = exportOf('ana');
        await exports.startExport(first, NOW);
        const second = exportOf('ana', { now: at(10) });
        await expect(exports.startExport(second, at(10))).resolves.toStrictEqual({ started: false, export: first });
        await expect(get(second)).resolves.toBeNull();
        // Others, and the same requester in another event, are not held back.
        const ben = exportOf('ben');
        await expect(exports.startExport(ben, at(10))).resolves.toMatchObject({ started: true });
        const elsewhere = exportOf('ana', { eventId: OTHER_EVENT });
        await expect(exports.startExport(elsewhere, at(10))).resolves.toMatchObject({ started: true });
      });

      it('lets exactly one of two simultaneous requests start', async () => {
        const [a, b] = [exportOf('ana'), exportOf('ana')];
        const starts = await Promise.all([exports.startExport(a, NOW), exports.startExport(b, NOW)]);
        expect(starts.filter((start) => start.started)).toHaveLength(1);
        const winner = starts.find((start) => start.started)!.export;
        for (const start of starts) expect(start.export).toStrictEqual(winner);
      });

      it('starts another once the running one has finished, either way', async () => {
        for (const outcome of ['ready', 'failed'] as const) {
          const first = exportOf(`ana-${outcome}`);
          await exports.startExport(first, NOW);
          await claim(first, 'run-1');
          expect(await finish(first, 'run-1', outcome)).toBe(true);
          const next = exportOf(`ana-${outcome}`, { now: at(120) });
          await expect(exports.startExport(next, at(120))).resolves.toStrictEqual({ started: true, export: next });
        }
      });

      it('starts another once the running one is past its deadline (its worker stopped without saying)', async () => {
        const first = exportOf('ana');
        await exports.startExport(first, NOW);
        const next = exportOf('ana', { now: at(20 * 60) });
        await expect(exports.startExport(next, at(20 * 60))).resolves.toMatchObject({ started: true });
        await expect(get(first)).resolves.toMatchObject({ status: 'running' }); // as it was left
      });
    });

    describe('runs', () => {
      it('gives a running export to one run at a time, until that run ends', async () => {
        const record = exportOf('ana');
        await exports.startExport(record, NOW);
        await expect(claim(record, 'run-1', { until: at(600) })).resolves.toStrictEqual(record);
        await expect(claim(record, 'run-1', { until: at(600) })).resolves.toStrictEqual(record); // the same run again
        await expect(claim(record, 'run-2', { now: at(599) })).resolves.toBeNull();
        await expect(claim(record, 'run-2', { now: at(600) })).resolves.toStrictEqual(record); // run-1 is over
        await expect(exports.recordProgress(EVENT, record.exportId, 'run-1', { photos: 1, skipped: 0, bytes: 1 })).resolves.toBe(false);
        expect(await finish(record, 'run-1')).toBe(false);
        await expect(get(record)).resolves.toMatchObject({ status: 'running', photos: 0 });
      });

      it('refuses to claim an export that is not running, is past its deadline, or is not there', async () => {
        const done = exportOf('ana');
        await exports.startExport(done, NOW);
        await claim(done, 'run-1');
        await finish(done, 'run-1');
        await expect(claim(done, 'run-2', { now: at(3600) })).resolves.toBeNull();
        const late = exportOf('ben');
        await exports.startExport(late, NOW);
        await expect(claim(late, 'run-1', { now: at(20 * 60) })).resolves.toBeNull();
        await expect(claim(exportOf('cleo'), 'run-1')).resolves.toBeNull();
      });

      it('records progress by the run that holds it, while it runs', async () => {
        const record = exportOf('ana');
        await exports.startExport(record, NOW);
        await expect(exports.recordProgress(EVENT, record.exportId, 'run-1', { photos: 1, skipped: 0, bytes: 1 })).resolves.toBe(false);
        await claim(record, 'run-1');
        await expect(exports.recordProgress(EVENT, record.exportId, 'run-1', { photos: 7, skipped: 2, bytes: 12345 })).resolves.toBe(true);
        await expect(get(record)).resolves.toStrictEqual({ ...record, photos: 7, skipped: 2, bytes: 12345 });
        await finish(record, 'run-1');
        await expect(exports.recordProgress(EVENT, record.exportId, 'run-1', { photos: 8, skipped: 2, bytes: 1 })).resolves.toBe(false);
      });

      it('finishes an export once, ready with its counts or failed with its reason', async () => {
        const ready = exportOf('ana');
        await exports.startExport(ready, NOW);
        await claim(ready, 'run-1');
        expect(await finish(ready, 'run-1', 'ready')).toBe(true);
        expect(await finish(ready, 'run-1', 'failed')).toBe(false);
        await expect(get(ready)).resolves.toStrictEqual({
          ...ready,
          status: 'ready',
          photos: 2,
          skipped: 1,
          bytes: 5000,
          finishedAt: at(60).toISOString(),
        });
        const failed = exportOf('ben');
        await exports.startExport(failed, NOW);
        await claim(failed, 'run-9');
        expect(await finish(failed, 'run-9', 'failed')).toBe(true);
        await expect(get(failed)).resolves.toStrictEqual({
          ...failed,
          status: 'failed',
          reason: 'Too long',
          photos: 1,
          skipped: 0,
          bytes: 10,
          finishedAt: at(60).toISOString(),
        });
      });
    });
  });
}

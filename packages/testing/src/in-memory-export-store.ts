import {
  exportStopped,
  type ExportOutcome,
  type ExportProgress,
  type ExportRun,
  type ExportStart,
  type ExportStore,
  type PhotoExport,
} from '@event-photos/core';
import { copy } from '#lib/in-memory-photo-store';

interface Stored {
  record: PhotoExport;
  run?: { runId: string; until: string };
}

/**
 * ExportStore in memory. It keeps the promises of export-store.ts (export-store-contract.ts runs
 * against it and against the DynamoDB adapter); each method decides with no await between its
 * checks and its writes, atomic as the adapter's conditional writes are.
 */
export class InMemoryExportStore implements ExportStore {
  /** By `eventId/exportId`. */
  readonly #exports = new Map<string, Stored>();
  /** The export each requester has running in each event, by `eventId/requesterId`. */
  readonly #running = new Map<string, string>();

  async startExport(photoExport: PhotoExport, now: Date): Promise<ExportStart> {
    const { eventId, exportId, requesterId } = photoExport;
    const held = this.#running.get(`${eventId}/${requesterId}`);
    const current = held === undefined ? undefined : this.#exports.get(`${eventId}/${held}`);
    if (current && current.record.status === 'running' && !exportStopped(current.record, now)) {
      return { started: false, export: copy(current.record) };
    }
    if (this.#exports.has(`${eventId}/${exportId}`)) throw new Error(`Export ${exportId} already exists`);
    this.#exports.set(`${eventId}/${exportId}`, { record: copy(photoExport) });
    this.#running.set(`${eventId}/${requesterId}`, exportId);
    return { started: true, export: copy(photoExport) };
  }

  async getExport(eventId: string, exportId: string, now: Date): Promise<PhotoExport | null> {
    const stored = this.#exports.get(`${eventId}/${exportId}`);
    return stored && stored.record.expiresAt > now.toISOString() ? copy(stored.record) : null;
  }

  async claimExport(eventId: string, exportId: string, run: ExportRun, now: Date): Promise<PhotoExport | null> {
    const stored = this.#exports.get(`${eventId}/${exportId}`);
    if (stored?.record.status !== 'running' || exportStopped(stored.record, now)) return null;
    if (stored.run && stored.run.runId !== run.runId && stored.run.until > now.toISOString()) return null;
    stored.run = { runId: run.runId, until: run.until.toISOString() };
    return copy(stored.record);
  }

  async recordProgress(eventId: string, exportId: string, runId: string, progress: ExportProgress): Promise<boolean> {
    const stored = this.#held(eventId, exportId, runId);
    if (!stored) return false;
    Object.assign(stored.record, copy(progress));
    return true;
  }

  async finishExport(eventId: string, exportId: string, runId: string, outcome: ExportOutcome, now: Date): Promise<boolean> {
    const stored = this.#held(eventId, exportId, runId);
    if (!stored) return false;
    const { photos, skipped, bytes } = outcome;
    stored.record = {
      ...stored.record,
      status: outcome.status,
      photos,
      skipped,
      bytes,
      finishedAt: now.toISOString(),
      ...(outcome.status === 'failed' ? { reason: outcome.reason } : {}),
    };
    const lock = `${eventId}/${stored.record.requesterId}`;
    if (this.#running.get(lock) === exportId) this.#running.delete(lock);
    return true;
  }

  #held(eventId: string, exportId: string, runId: string): Stored | undefined {
    const stored = this.#exports.get(`${eventId}/${exportId}`);
    return stored?.record.status === 'running' && stored.run?.runId === runId ? stored : undefined;
  }
}

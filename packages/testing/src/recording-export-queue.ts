import type { ExportQueue, PhotoExport } from '@event-photos/core';

/** ExportQueue for handler tests: records what was asked for; `failWith` makes the next requests fail. */
export class RecordingExportQueue implements ExportQueue {
  readonly requested: Array<{ eventId: string; exportId: string }> = [];
  failWith: Error | undefined;

  async request({ eventId, exportId }: Pick<PhotoExport, 'eventId' | 'exportId'>): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.requested.push({ eventId, exportId });
  }
}

import type { ExportOutcome, ExportProgress, PhotoExport } from '#lib/exports';

// The ports of "download all" (exports.ts), as interfaces: the adapters in @event-photos/aws
// implement them (the table, an S3 request object, S3 reads into an S3 multipart upload), the
// fakes of @event-photos/testing/fakes too, and the ExportStore contract suite runs against both.

/** How asking for an export ended: recorded and started, or the requester's export of the event that still runs. */
export type ExportStart = { started: true; export: PhotoExport } | { started: false; export: PhotoExport };

/** One worker run of an export: which, and until when it holds the export (another run may take it over after). */
export interface ExportRun {
  runId: string;
  until: Date;
}

/** The exports' records. Every read is strongly consistent; each write decides atomically. */
export interface ExportStore {
  /**
   * Records `photoExport` (running), unless its requester has another export of the same event
   * still running at `now` (before its deadline): then nothing is written and that one is
   * returned. One running export per requester and event, whatever the number of requests.
   */
  startExport(photoExport: PhotoExport, now: Date): Promise<ExportStart>;
  /** The export, or null when there is none or its record has expired at `now`. */
  getExport(eventId: string, exportId: string, now: Date): Promise<PhotoExport | null>;
  /**
   * Gives a running export to one worker run: null when it is not running (finished, past its
   * deadline at `now`, gone) or another run holds it (until that run's `until`). A run that
   * holds it records its progress and its end; any other run's writes are refused.
   */
  claimExport(eventId: string, exportId: string, run: ExportRun, now: Date): Promise<PhotoExport | null>;
  /** Progress of a running export, by the run that holds it: false when it does not (any more). */
  recordProgress(eventId: string, exportId: string, runId: string, progress: ExportProgress): Promise<boolean>;
  /**
   * Ends a running export, by the run that holds it: ready or failed, with its final counts, and
   * its requester may start another. False when that run does not hold it (nothing is written).
   */
  finishExport(eventId: string, exportId: string, runId: string, outcome: ExportOutcome, now: Date): Promise<boolean>;
}

/** Starts the worker for a recorded export (at least once: the worker claims it, so a repeat runs nothing twice). */
export interface ExportQueue {
  request(photoExport: Pick<PhotoExport, 'eventId' | 'exportId'>): Promise<void>;
}

/** One file of a zip: the object to read and the name it is stored under. */
export interface ArchiveEntry {
  key: string;
  name: string;
  modifiedAt: string;
}

/** What a zip holds so far: entries written, entries whose object was gone (left out), bytes of the zip. */
export interface ArchiveProgress {
  entries: number;
  missing: number;
  bytes: number;
}

export interface ArchiveOptions {
  /** The name a browser saves the zip as (its Content-Disposition). */
  fileName: string;
  /** Stops the writing: nothing is left at the key (the upload is aborted), and writeZip rejects. */
  signal: AbortSignal;
  /** Called as entries are written. */
  onProgress?: (progress: ArchiveProgress) => void;
}

/** Writes zips of objects of the bucket, streaming: memory does not grow with the photos or the zip. */
export interface ArchiveWriter {
  /**
   * Writes a zip (stored, not compressed: photos do not compress) of the entries' objects, in
   * order, to `key`, reading a bounded number of objects at a time. An entry whose object is gone
   * (its photo deleted meanwhile) is left out and counted `missing`. The zip exists at `key` only
   * once it is whole; on failure or abort nothing is left there.
   */
  writeZip(key: string, entries: AsyncIterable<ArchiveEntry>, options: ArchiveOptions): Promise<ArchiveProgress>;
}

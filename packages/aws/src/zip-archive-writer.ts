import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveEntry, ArchiveOptions, ArchiveProgress, ArchiveWriter } from '@event-photos/core';
import { ZipFile } from 'yazl';
import { attachment } from '#lib/download-signer';
import { ZipUpload, type ZipUploadOptions } from '#lib/zip-upload';

// Zips of objects of the bucket, written to the bucket, streaming both ways: each object is read
// as a stream (a few opened ahead, so that S3's first-byte latency overlaps the copy of the one
// before), through yazl (STORE: photos do not compress; ZIP64 once the zip or an offset passes
// 4 GiB), into a multipart upload (zip-upload.ts). Memory: the parts in flight, whatever the zip.

export interface ZipArchiveOptions extends Omit<ZipUploadOptions, 'signal'> {
  /** Objects opened at once: the one being copied, and those waiting their turn (each holds a socket's buffer, no more). */
  objectsAhead?: number;
}

/** At most `size` holders at once; acquire waits for a release. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

export class S3ZipArchiveWriter implements ArchiveWriter {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly options: ZipArchiveOptions = {},
  ) {}

  async writeZip(
    key: string,
    entries: AsyncIterable<ArchiveEntry>,
    { fileName, signal, onProgress }: ArchiveOptions,
  ): Promise<ArchiveProgress> {
    // One signal for everything this run started: the caller's, or the first failure of any part.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const fail = (error: unknown) => stop.abort(error);
    const { objectsAhead = 4, ...uploadOptions } = this.options;
    try {
      signal.throwIfAborted();
      const upload = await ZipUpload.start(
        this.s3,
        { bucket: this.bucket, key, contentType: 'application/zip', contentDisposition: attachment(fileName) },
        { ...uploadOptions, signal: stop.signal },
      );
      const zip = new ZipFile();
      zip.on('error', fail);
      try {
        const progress: ArchiveProgress = { entries: 0, missing: 0, bytes: 0 };
        const report = () => onProgress?.({ ...progress, bytes: upload.bytes });
        const feeding = this.feed(zip, entries, new Slots(objectsAhead), stop.signal, progress, report).catch(fail);
        await Promise.race([this.drain(zip, upload, stop.signal), aborted(stop.signal)]);
        await feeding;
        stop.signal.throwIfAborted();
        await upload.complete();
        return { ...progress, bytes: upload.bytes };
      } catch (error) {
        stop.abort(error); // stops the reads still open
        (zip.outputStream as Readable).destroy();
        // Should the abort itself fail, the bucket's AbortIncompleteMultipartUploads rule drops the parts within a day.
        await upload.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      throw stop.signal.aborted ? stop.signal.reason : error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Adds the entries in order, each object opened as soon as a slot is free (up to objectsAhead
   * open: the one yazl copies and those waiting), then ends the zip. A gone object is counted missing.
   */
  private async feed(
    zip: ZipFile,
    entries: AsyncIterable<ArchiveEntry>,
    slots: Slots,
    signal: AbortSignal,
    progress: ArchiveProgress,
    report: () => void,
  ): Promise<void> {
    let previous: Promise<void> = Promise.resolve();
    for await (const entry of entries) {
      await slots.acquire();
      signal.throwIfAborted();
      const opening = this.open(entry.key, signal);
      opening.catch(() => undefined); // awaited in turn below
      const added = previous.then(async () => {
        const object = await opening;
        if (!object) {
          progress.missing += 1;
          slots.release();
          return;
        }
        zip.addReadStream(object.body, entry.name, { compress: false, size: object.size, mtime: new Date(entry.modifiedAt) });
        // yazl pipes the body without listening for its errors: a broken read fails the whole zip.
        finished(object.body).then(
          () => {
            progress.entries += 1;
            slots.release();
            report();
          },
          (error: unknown) => zip.emit('error', error),
        );
      });
      previous = added;
      // A failure stops the loop at its next entry; the rest is never opened.
      added.catch((error: unknown) => zip.emit('error', error));
    }
    await previous;
    zip.end();
  }

  /** GetObject as a stream, or null when the object is gone. */
  private async open(key: string, signal: AbortSignal): Promise<{ body: Readable; size: number } | null> {
    try {
      const { Body, ContentLength } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return { body: Body as Readable, size: ContentLength! };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  /** The zip's bytes into the upload, as yazl makes them (its stream waits while a part uploads). */
  private async drain(zip: ZipFile, upload: ZipUpload, signal: AbortSignal): Promise<void> {
    for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) {
      signal.throwIfAborted();
      await upload.write(chunk);
    }
  }
}

/** Rejects when the signal fires. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

import type { ArchiveEntry, ArchiveOptions, ArchiveProgress, ArchiveWriter, ObjectStore } from '@event-photos/core';

/** A zip as InMemoryArchiveWriter keeps it: its entries, in order, with the bytes read for each. */
export interface InMemoryZip {
  fileName: string;
  entries: Array<{ name: string; modifiedAt: string; bytes: Uint8Array }>;
}

/**
 * ArchiveWriter for use-case tests, over an ObjectStore (the in-memory one): it reads each entry's
 * object as the S3 adapter does (a gone one is counted missing) and keeps the "zip" as its list of
 * entries, at `key`, only once it is whole. `beforeEntry` lets a test slow it down or fail it.
 */
export class InMemoryArchiveWriter implements ArchiveWriter {
  readonly zips = new Map<string, InMemoryZip>();
  beforeEntry: ((entry: ArchiveEntry) => Promise<void>) | undefined;

  constructor(private readonly objects: ObjectStore) {}

  async writeZip(
    key: string,
    entries: AsyncIterable<ArchiveEntry>,
    { fileName, signal, onProgress }: ArchiveOptions,
  ): Promise<ArchiveProgress> {
    const zip: InMemoryZip = { fileName, entries: [] };
    const progress: ArchiveProgress = { entries: 0, missing: 0, bytes: 0 };
    for await (const entry of entries) {
      signal.throwIfAborted();
      await this.beforeEntry?.(entry);
      signal.throwIfAborted();
      if (!(await this.objects.head(entry.key))) {
        progress.missing += 1;
        continue;
      }
      const { bytes } = await this.objects.read(entry.key);
      zip.entries.push({ name: entry.name, modifiedAt: entry.modifiedAt, bytes });
      progress.entries += 1;
      progress.bytes += bytes.length;
      onProgress?.({ ...progress });
    }
    this.zips.set(key, zip);
    return progress;
  }
}

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/**
 * The SHA-256 checksums S3 verified on upload, by bucket/key, kept in a JSON file.
 * s3rver does not store checksums; AWS returns them on HeadObject with ChecksumMode ENABLED.
 * Writes go to a temporary file renamed over the old one, so a killed process leaves the old
 * file or the new one, never half of one. A file that does not parse anyway is set aside: the
 * checksums are an optimisation (processing hashes objects that have none), not data to guard.
 */
export class ChecksumStore {
  private readonly checksums: Map<string, string>;
  private writing = Promise.resolve();
  /** The write that will carry every change not yet on disk (it has not started). */
  private queued: Promise<void> | null = null;

  constructor(
    private readonly file: string,
    log: (line: Record<string, unknown>) => void,
  ) {
    this.checksums = new Map(Object.entries(readChecksums(file, log)));
  }

  get(bucket: string, key: string): string | undefined {
    return this.checksums.get(`${bucket}/${key}`);
  }

  /** Resolves once the change is on disk. */
  set(bucket: string, key: string, sha256Base64: string | undefined): Promise<void> {
    const id = `${bucket}/${key}`;
    if (this.checksums.get(id) === sha256Base64) return this.queued ?? this.writing; // nothing changes: no rewrite of every entry
    if (sha256Base64 === undefined) this.checksums.delete(id);
    else this.checksums.set(id, sha256Base64);
    return this.persist();
  }

  /**
   * One write at a time, each of the whole map as it is when that write starts: the changes made
   * while one is on its way share the next write (a burst of uploads rewrites the file twice, not once per upload).
   */
  private persist(): Promise<void> {
    this.queued ??= this.writing
      .catch(() => undefined)
      .then(async () => {
        this.queued = null;
        const snapshot = JSON.stringify(Object.fromEntries(this.checksums));
        const temporary = `${this.file}.tmp`;
        await writeFile(temporary, snapshot);
        await rename(temporary, this.file);
      });
    this.writing = this.queued;
    return this.queued;
  }

  /** Resolves once every write so far is on disk. */
  async idle(): Promise<void> {
    await this.writing.catch(() => undefined);
  }
}

function readChecksums(file: string, log: (line: Record<string, unknown>) => void): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      !Array.isArray(parsed) &&
      Object.values(parsed).every((value) => typeof value === 'string')
    ) {
      return parsed as Record<string, string>;
    }
  } catch {
    // not JSON: set aside below
  }
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  log({
    level: 'warn',
    message: 'S3 store: checksums file unreadable, set aside; objects without a stored checksum are hashed when processed',
    file: aside,
  });
  return {};
}

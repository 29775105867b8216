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

  constructor(
    private readonly file: string,
    log: (line: Record<string, unknown>) => void,
  ) {
    this.checksums = new Map(Object.entries(readChecksums(file, log)));
  }

  get(bucket: string, key: string): string | undefined {
    return this.checksums.get(`${bucket}/${key}`);
  }

  set(bucket: string, key: string, sha256Base64: string | undefined): Promise<void> {
    const id = `${bucket}/${key}`;
    if (this.checksums.get(id) === sha256Base64) return this.writing; // nothing changes: no rewrite of every entry
    if (sha256Base64 === undefined) this.checksums.delete(id);
    else this.checksums.set(id, sha256Base64);
    const snapshot = JSON.stringify(Object.fromEntries(this.checksums));
    const temporary = `${this.file}.tmp`; // one write at a time: the chain below serialises them
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await writeFile(temporary, snapshot);
        await rename(temporary, this.file);
      });
    return this.writing;
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
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((value) => typeof value === 'string')) {
      return parsed as Record<string, string>;
    }
  } catch {
    // not JSON: set aside below
  }
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  log({ level: 'warn', message: 'S3 store: checksums file unreadable, set aside; objects without a stored checksum are hashed when processed', file: aside });
  return {};
}

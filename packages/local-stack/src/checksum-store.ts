import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/**
 * The SHA-256 checksums S3 verified on upload, by bucket/key, kept in a JSON file.
 * s3rver does not store checksums; AWS returns them on HeadObject with ChecksumMode ENABLED.
 */
export class ChecksumStore {
  private readonly checksums: Map<string, string>;
  private writing = Promise.resolve();

  constructor(private readonly file: string) {
    this.checksums = new Map(existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : []);
  }

  get(bucket: string, key: string): string | undefined {
    return this.checksums.get(`${bucket}/${key}`);
  }

  set(bucket: string, key: string, sha256Base64: string | undefined): Promise<void> {
    if (sha256Base64 === undefined) this.checksums.delete(`${bucket}/${key}`);
    else this.checksums.set(`${bucket}/${key}`, sha256Base64);
    const snapshot = JSON.stringify(Object.fromEntries(this.checksums));
    this.writing = this.writing.then(() => writeFile(this.file, snapshot));
    return this.writing;
  }
}

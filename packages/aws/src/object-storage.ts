import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** User metadata as S3 returns it: lowercase keys, values still encoded. */
  metadata: Record<string, string>;
  etag: string | undefined;
}

export class ObjectStorage {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** HeadObject, or null when the object is gone (deleted after its event was sent). */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: head.ContentLength ?? 0,
        contentType: head.ContentType,
        metadata: head.Metadata ?? {},
        etag: head.ETag,
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return null;
      throw error;
    }
  }

  /**
   * Streams the object through SHA-256 in constant memory. Pins the ETag seen by HeadObject
   * (If-Match) so the hash is of the same bytes the checks looked at.
   */
  async sha256(key: string, etag?: string): Promise<{ sha256: string; bytesRead: number }> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: etag }));
    const hash = createHash('sha256');
    let bytesRead = 0;
    await pipeline(
      object.Body as Readable,
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytesRead += chunk.length;
          done();
        },
      }),
    );
    return { sha256: hash.digest('hex'), bytesRead };
  }
}

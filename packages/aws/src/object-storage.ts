import { createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore, StoredObject } from '@event-photos/core';

/** ObjectStore on the photos bucket. */
export class ObjectStorage implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** HeadObject (with the stored checksum), or null when the object is gone. */
  async head(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }));
      // A multipart upload's checksum is composite ("...-3"), not the hash of the object.
      const fullObject = head.ChecksumSHA256 && !head.ChecksumSHA256.includes('-') && head.ChecksumType !== 'COMPOSITE';
      return {
        size: head.ContentLength ?? 0,
        contentType: head.ContentType,
        metadata: head.Metadata ?? {},
        etag: head.ETag,
        verifiedSha256: fullObject ? Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex') : undefined,
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return null;
      throw error;
    }
  }

  /** The first `length` bytes (fewer if the object is shorter), of the version `etag` names. */
  async firstBytes(key: string, length: number, etag?: string): Promise<Uint8Array> {
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${length - 1}`, IfMatch: etag }),
    );
    const bytes = await object.Body!.transformToByteArray();
    return bytes.subarray(0, length);
  }

  /**
   * Streams the object through SHA-256 in constant memory, keeping its first `keepFirst` bytes.
   * Pins the ETag seen by HeadObject (If-Match) so the hash is of the same bytes the checks looked at.
   */
  async sha256(key: string, etag?: string, keepFirst = 0): Promise<{ sha256: string; bytesRead: number; firstBytes: Uint8Array }> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: etag }));
    const hash = createHash('sha256');
    const first: Buffer[] = [];
    let bytesRead = 0;
    await pipeline(
      object.Body as Readable,
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          hash.update(chunk);
          if (bytesRead < keepFirst) first.push(chunk.subarray(0, keepFirst - bytesRead));
          bytesRead += chunk.length;
          done();
        },
      }),
    );
    return { sha256: hash.digest('hex'), bytesRead, firstBytes: new Uint8Array(Buffer.concat(first)) };
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Every key under `prefix`, page by page. */
  async *keys(prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

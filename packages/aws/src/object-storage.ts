import { createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectStore, PublishedHeaders, StoredObject } from '@event-photos/core';

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
        cacheControl: head.CacheControl,
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return null;
      throw error;
    }
  }

  /** The whole object, hashed as it streams in; pins the ETag seen by HeadObject (If-Match), so the bytes are those the checks looked at. */
  async read(key: string, etag?: string): Promise<{ bytes: Uint8Array; sha256: string }> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: etag }));
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    await pipeline(
      object.Body as Readable,
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          hash.update(chunk);
          chunks.push(chunk);
          done();
        },
      }),
    );
    return { bytes: new Uint8Array(Buffer.concat(chunks)), sha256: hash.digest('hex') };
  }

  async write(key: string, bytes: Uint8Array, { contentType, cacheControl }: PublishedHeaders): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType, CacheControl: cacheControl }),
    );
  }

  async publish(from: string, to: string, etag: string | undefined, { contentType, cacheControl }: PublishedHeaders): Promise<void> {
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: to,
        CopySource: `${this.bucket}/${from}`, // keys are built from safe ids only: nothing to escape
        CopySourceIfMatch: etag,
        // REPLACE: the copy gets these headers only, none of the upload's metadata or headers.
        MetadataDirective: 'REPLACE',
        ContentType: contentType,
        CacheControl: cacheControl,
      }),
    );
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

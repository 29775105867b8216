import { createHash } from 'node:crypto';
import type { ObjectStore, PublishedHeaders, StoredObject } from '@event-photos/core';

export interface ObjectToPut {
  contentType?: string;
  /** User metadata; stored with lowercase keys, as S3 does. */
  metadata?: Record<string, string>;
  /**
   * Uploaded with a declared x-amz-checksum-sha256, as initiate-upload's URLs do when the client
   * gives one: head then reports the SHA-256 S3 verified. A multipart upload never has it.
   */
  verifiedSha256?: boolean;
}

interface Stored {
  bytes: Buffer;
  contentType: string | undefined;
  cacheControl?: string;
  metadata: Record<string, string>;
  etag: string;
  verifiedSha256: string | undefined;
}

/**
 * ObjectStore in memory, for handler tests; `put` stands for the client's PUT to a presigned
 * URL. It keeps the promises of object-store.ts (object-store-contract.ts runs against it and
 * against S3): reads of another version than `etag` fail as S3's If-Match does, and keys are
 * listed in key order.
 */
export class InMemoryObjectStore implements ObjectStore {
  readonly #objects = new Map<string, Stored>();

  put(key: string, bytes: Uint8Array, { contentType, metadata = {}, verifiedSha256 = false }: ObjectToPut = {}): void {
    const body = Buffer.from(bytes);
    this.#objects.set(key, {
      bytes: body,
      contentType,
      metadata: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value])),
      // S3's ETag of a single-part upload: the quoted MD5 of the bytes.
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      verifiedSha256: verifiedSha256 ? createHash('sha256').update(body).digest('hex') : undefined,
    });
  }

  /** Whether an object is stored under the key (what a test checks after a delete). */
  has(key: string): boolean {
    return this.#objects.has(key);
  }

  async head(key: string): Promise<StoredObject | null> {
    const object = this.#objects.get(key);
    if (!object) return null;
    const { bytes, contentType, cacheControl, metadata, etag, verifiedSha256 } = object;
    return { size: bytes.length, contentType, cacheControl, metadata: { ...metadata }, etag, verifiedSha256 };
  }

  async read(key: string, etag?: string): Promise<{ bytes: Uint8Array; sha256: string }> {
    const bytes = this.#read(key, etag);
    return { bytes: new Uint8Array(bytes), sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async write(key: string, bytes: Uint8Array, { contentType, cacheControl }: PublishedHeaders): Promise<void> {
    this.put(key, bytes, { contentType });
    this.#objects.get(key)!.cacheControl = cacheControl;
  }

  async publish(from: string, to: string, etag: string | undefined, { contentType, cacheControl }: PublishedHeaders): Promise<void> {
    const bytes = this.#read(from, etag);
    this.#objects.set(to, {
      bytes,
      contentType,
      cacheControl,
      metadata: {},
      etag: this.#objects.get(from)!.etag,
      verifiedSha256: undefined,
    });
  }

  async delete(key: string): Promise<void> {
    this.#objects.delete(key);
  }

  async *keys(prefix: string): AsyncGenerator<string> {
    // Like ListObjectsV2 pages (StartAfter the last key listed), one key at a time.
    let after: string | undefined;
    for (;;) {
      const next = [...this.#objects.keys()].filter((key) => key.startsWith(prefix) && (after === undefined || key > after)).sort()[0];
      if (next === undefined) return;
      yield next;
      after = next;
    }
  }

  #read(key: string, etag: string | undefined): Buffer {
    const object = this.#objects.get(key);
    // The errors S3 answers: 404 NoSuchKey, and 412 PreconditionFailed for a failed If-Match.
    if (!object) throw Object.assign(new Error(`NoSuchKey: ${key}`), { name: 'NoSuchKey' });
    if (etag !== undefined && etag !== object.etag)
      throw Object.assign(new Error(`PreconditionFailed: ${key} is not ${etag}`), { name: 'PreconditionFailed' });
    return object.bytes;
  }
}

// What the handlers do with the uploaded objects: the S3 adapter in @event-photos/aws implements
// it, the in-memory fake of @event-photos/testing/fakes too (see photo-store.ts). Handlers never
// write objects: clients PUT them with a presigned URL.

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** User metadata as S3 returns it: lowercase keys, values still encoded. */
  metadata: Record<string, string>;
  /** The version of the object: pass it to firstBytes and sha256 to read that version only. */
  etag: string | undefined;
  /** Hex SHA-256 that S3 verified on upload (x-amz-checksum-sha256), when the upload declared one. */
  verifiedSha256: string | undefined;
}

export interface ObjectStore {
  /** The object's size, type, metadata and version, or null when there is no such object. */
  head(key: string): Promise<StoredObject | null>;
  /** The first `length` bytes (fewer if the object is shorter); fails when the object is gone or is no longer version `etag`. */
  firstBytes(key: string, length: number, etag?: string): Promise<Uint8Array>;
  /**
   * SHA-256 of the whole object, read in constant memory, and its first `keepFirst` bytes (for a
   * type check, without a second read); fails as firstBytes does.
   */
  sha256(key: string, etag?: string, keepFirst?: number): Promise<{ sha256: string; bytesRead: number; firstBytes: Uint8Array }>;
  /** Deletes the object; deleting one that is gone is no error. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in key order, read page by page as the caller goes. */
  keys(prefix: string): AsyncIterable<string>;
}

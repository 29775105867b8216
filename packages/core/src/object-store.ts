// What the handlers do with the uploaded objects: the S3 adapter in @event-photos/aws implements
// it, the in-memory fake of @event-photos/testing/fakes too (see photo-store.ts). Handlers never
// write objects: clients PUT them with a presigned URL.

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** User metadata as S3 returns it: lowercase keys, values still encoded. */
  metadata: Record<string, string>;
  /** The version of the object: pass it to read to read that version only. */
  etag: string | undefined;
  /** Hex SHA-256 that S3 verified on upload (x-amz-checksum-sha256), when the upload declared one. */
  verifiedSha256: string | undefined;
  cacheControl: string | undefined;
}

/** The only headers a published object carries: what viewers get, whatever the client sent. */
export interface PublishedHeaders {
  contentType: string;
  cacheControl: string;
}

export interface ObjectStore {
  /** The object's size, type, metadata and version, or null when there is no such object. */
  head(key: string): Promise<StoredObject | null>;
  /**
   * The whole object and its SHA-256, hashed as it arrives (processing decodes every byte anyway,
   * so it is read once, in memory: callers bound its size first); fails when the object is gone
   * or is no longer version `etag`.
   */
  read(key: string, etag?: string): Promise<{ bytes: Uint8Array; sha256: string }>;
  /**
   * Copies version `etag` of `from` to `to` inside the bucket with these headers and no others
   * (no user metadata, no Content-Disposition or Content-Encoding the client sent). Repeating it
   * writes the same object again. Fails when `from` is gone or is no longer version `etag`.
   */
  publish(from: string, to: string, etag: string | undefined, headers: PublishedHeaders): Promise<void>;
  /** Writes an object we made (a rendition) with these headers only; writing it again replaces it. */
  write(key: string, bytes: Uint8Array, headers: PublishedHeaders): Promise<void>;
  /** Deletes the object; deleting one that is gone is no error. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix`, in key order, read page by page as the caller goes. */
  keys(prefix: string): AsyncIterable<string>;
}

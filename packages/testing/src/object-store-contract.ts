import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '@event-photos/core';
import type { ObjectToPut } from '#lib/in-memory-object-store';

export interface ObjectStoreSubject {
  objects: ObjectStore;
  /** Stores an object as a client's PUT to a presigned URL would. */
  put(key: string, bytes: Buffer, options?: ObjectToPut): Promise<void>;
}

const bytesOf = (size: number, fill: number) => Buffer.alloc(size, fill);
const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function listed(objects: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of objects.keys(prefix)) keys.push(key);
  return keys;
}

/**
 * What object-store.ts promises, as one suite: run against the in-memory fake and against the
 * S3 adapter on the local S3. `subject` gives a store for each test; keys are under a prefix of
 * the test's own, so a bucket shared by the tests still starts empty for each.
 */
export function objectStoreContract(name: string, subject: () => Promise<ObjectStoreSubject>): void {
  describe(`${name}: the ObjectStore contract`, () => {
    let objects: ObjectStore;
    let put: ObjectStoreSubject['put'];
    let prefix: string;
    let tests = 0;
    beforeEach(async () => {
      ({ objects, put } = await subject());
      prefix = `contract-${Date.now()}-${tests++}/`;
    });

    it('heads an object: size, content type, metadata with lowercase keys, a version; null once it is gone', async () => {
      const key = `${prefix}photo.jpg`;
      await expect(objects.head(key)).resolves.toBeNull();
      await put(key, bytesOf(5000, 1), { contentType: 'image/jpeg', metadata: { photoId: 'p-1', title: '=?UTF-8?B?7YKk?=' } });
      const head = await objects.head(key);
      expect(head).toStrictEqual({
        size: 5000,
        contentType: 'image/jpeg',
        metadata: { photoid: 'p-1', title: '=?UTF-8?B?7YKk?=' },
        etag: expect.any(String),
        verifiedSha256: undefined,
        cacheControl: undefined,
      });
      await objects.delete(key);
      await expect(objects.head(key)).resolves.toBeNull();
    });

    it('reports the SHA-256 S3 verified when the upload declared one', async () => {
      const key = `${prefix}verified.jpg`;
      const bytes = bytesOf(3000, 2);
      await put(key, bytes, { contentType: 'image/jpeg', verifiedSha256: true });
      expect((await objects.head(key))?.verifiedSha256).toBe(sha256Hex(bytes));
    });

    it('reads the whole object with its SHA-256', async () => {
      const key = `${prefix}whole.jpg`;
      const bytes = Buffer.concat([bytesOf(70_000, 5), bytesOf(3, 6)]);
      await put(key, bytes, { contentType: 'image/jpeg' });
      const { etag } = (await objects.head(key))!;
      const read = await objects.read(key, etag);
      expect({ bytes: Buffer.from(read.bytes), sha256: read.sha256 }).toStrictEqual({ bytes, sha256: sha256Hex(bytes) });
    });

    it('writes an object with only the headers given, and replaces it when written again', async () => {
      const key = `${prefix}published/one_w320.webp`;
      await objects.write(key, bytesOf(50, 1), { contentType: 'image/webp', cacheControl: 'public, max-age=60' });
      await objects.write(key, bytesOf(40, 2), { contentType: 'image/webp', cacheControl: 'public, max-age=60' });
      const written = (await objects.head(key))!;
      expect({
        size: written.size,
        contentType: written.contentType,
        cacheControl: written.cacheControl,
        metadata: written.metadata,
      }).toStrictEqual({
        size: 40,
        contentType: 'image/webp',
        cacheControl: 'public, max-age=60',
        metadata: {},
      });
      expect(Buffer.from((await objects.read(key)).bytes)).toStrictEqual(bytesOf(40, 2));
    });

    it('refuses to read another version than the one headed, or an object that is gone', async () => {
      const key = `${prefix}replaced.jpg`;
      await put(key, bytesOf(100, 7), { contentType: 'image/jpeg' });
      const { etag } = (await objects.head(key))!;
      await put(key, bytesOf(100, 8), { contentType: 'image/jpeg' });
      expect((await objects.head(key))!.etag).not.toBe(etag);
      await expect(objects.read(key, etag)).rejects.toThrow();
      await objects.delete(key);
      await expect(objects.read(key)).rejects.toThrow();
    });

    it('publishes a copy with only the headers given, of the version headed', async () => {
      const from = `${prefix}quarantined.jpg`;
      const to = `${prefix}published/one.jpg`;
      const bytes = bytesOf(5000, 3);
      await put(from, bytes, { contentType: 'text/html', metadata: { photoid: 'abc', title: 'x' } });
      const { etag } = (await objects.head(from))!;
      await objects.publish(from, to, etag, { contentType: 'image/jpeg', cacheControl: 'public, max-age=60' });
      await objects.publish(from, to, etag, { contentType: 'image/jpeg', cacheControl: 'public, max-age=60' }); // again: the same object
      const published = (await objects.head(to))!;
      expect({
        contentType: published.contentType,
        cacheControl: published.cacheControl,
        metadata: published.metadata,
        size: published.size,
      }).toStrictEqual({
        contentType: 'image/jpeg',
        cacheControl: 'public, max-age=60',
        metadata: {},
        size: 5000,
      });
      expect(Buffer.from((await objects.read(to)).bytes)).toStrictEqual(bytes);
      await put(from, bytesOf(10, 4), { contentType: 'image/jpeg' });
      await expect(
        objects.publish(from, `${prefix}published/two.jpg`, etag, { contentType: 'image/jpeg', cacheControl: 'no-cache' }),
      ).rejects.toThrow();
      await expect(objects.head(`${prefix}published/two.jpg`)).resolves.toBeNull();
    });

    it('deletes an object that is gone without an error', async () => {
      await expect(objects.delete(`${prefix}never-stored.jpg`)).resolves.toBeUndefined();
    });

    it('lists every key under a prefix, in key order, and none beside it', async () => {
      const keys = ['b/2.jpg', 'a/1.jpg', 'b/1.jpg', 'a/2 with space+plus.jpg'].map((key) => `${prefix}uploads/${key}`);
      for (const key of keys) await put(key, bytesOf(10, 9));
      await put(`${prefix}other/1.jpg`, bytesOf(10, 9));
      await expect(listed(objects, `${prefix}uploads/`)).resolves.toStrictEqual([...keys].sort());
      await expect(listed(objects, `${prefix}nothing/`)).resolves.toStrictEqual([]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { cacheBucketConfigs } from '#lib/s3rver-config-cache';

/** A store like s3rver's FilesystemStore, counting its reads. */
function fakeStore() {
  const configs = new Map<string, unknown>();
  const buckets = new Set<string>(['photos']);
  const reads = { bucket: 0, config: 0 };
  let failNext = false;
  const store = {
    reads,
    failNextRead: () => (failNext = true),
    getBucket: async (bucket: string) => {
      reads.bucket++;
      return buckets.has(bucket) ? { name: bucket } : null;
    },
    putBucket: async (bucket: string) => void buckets.add(bucket),
    deleteBucket: async (bucket: string) => void buckets.delete(bucket),
    getSubresource: async (bucket: string, key: string | undefined, type: string) => {
      reads.config++;
      if (failNext) {
        failNext = false;
        throw new Error('EIO');
      }
      return configs.get(`${bucket}/${key ?? ''}/${type}`) ?? null;
    },
    putSubresource: async (bucket: string, key: string | undefined, resource: { type: string }) =>
      void configs.set(`${bucket}/${key ?? ''}/${resource.type}`, resource),
    deleteSubresource: async (bucket: string, key: string | undefined, type: string) =>
      void configs.delete(`${bucket}/${key ?? ''}/${type}`),
  };
  cacheBucketConfigs(store);
  return store;
}

describe('cacheBucketConfigs', () => {
  it('reads a bucket config once, absent ones included, until s3rver changes it', async () => {
    const store = fakeStore();
    expect(await store.getSubresource('photos', undefined, 'cors')).toBeNull();
    expect(await store.getSubresource('photos', undefined, 'cors')).toBeNull();
    expect(store.reads.config).toBe(1);
    const cors = { type: 'cors', rules: ['*'] };
    await store.putSubresource('photos', undefined, cors);
    expect(await store.getSubresource('photos', undefined, 'cors')).toBe(cors);
    expect(await store.getSubresource('photos', undefined, 'cors')).toBe(cors);
    await store.deleteSubresource('photos', undefined, 'cors');
    expect(await store.getSubresource('photos', undefined, 'cors')).toBeNull();
    expect(store.reads.config).toBe(3);
  });

  it('does not cache an object-level subresource, nor a failed read', async () => {
    const store = fakeStore();
    await store.getSubresource('photos', 'a.jpg', 'acl');
    await store.getSubresource('photos', 'a.jpg', 'acl');
    store.failNextRead();
    await expect(store.getSubresource('photos', undefined, 'cors')).rejects.toThrow('EIO');
    await store.getSubresource('photos', undefined, 'cors');
    expect(store.reads.config).toBe(4);
  });

  it('forgets a bucket and its configs when the bucket is created or deleted', async () => {
    const store = fakeStore();
    expect(await store.getBucket('other')).toBeNull();
    await store.putBucket('other');
    expect(await store.getBucket('other')).toEqual({ name: 'other' });
    await store.getSubresource('photos', undefined, 'cors');
    await store.deleteBucket('photos');
    expect(await store.getBucket('photos')).toBeNull();
    await store.getSubresource('photos', undefined, 'cors');
    expect(store.reads).toEqual({ bucket: 3, config: 2 });
  });
});

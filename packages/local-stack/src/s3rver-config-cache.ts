/** The part of s3rver's FilesystemStore this wraps (s3rver's typings leave its store out). */
interface BucketStore {
  getBucket(bucket: string): Promise<unknown>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<unknown>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
}

/**
 * s3rver reads the bucket from disk, and its CORS and website configurations, on every request;
 * they change only through s3rver itself. So each is read once and kept until s3rver changes it.
 */
export function cacheBucketConfigs(store: BucketStore): void {
  const cache = new Map<string, Promise<unknown>>();
  const cached = (id: string, read: () => Promise<unknown>) => {
    let value = cache.get(id);
    if (!value) {
      value = read();
      cache.set(id, value);
      value.catch(() => cache.delete(id)); // a failed read is tried again; an absent one (null) is an answer
    }
    return value;
  };
  const forgetting =
    <A extends unknown[]>(ids: (...args: A) => string[], change: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      try {
        return await change(...args);
      } finally {
        for (const id of ids(...args)) cache.delete(id);
      }
    };
  const bucketIds = (bucket: string) => [...cache.keys()].filter((id) => id.split('\0')[0] === bucket);
  const { getBucket, putBucket, deleteBucket, getSubresource, putSubresource, deleteSubresource } = store;
  store.getBucket = (bucket) => cached(bucket, () => getBucket.call(store, bucket));
  store.getSubresource = (bucket, key, type) =>
    key === undefined
      ? cached(`${bucket}\0${type}`, () => getSubresource.call(store, bucket, key, type))
      : getSubresource.call(store, bucket, key, type);
  store.putBucket = forgetting(bucketIds, (bucket) => putBucket.call(store, bucket));
  store.deleteBucket = forgetting(bucketIds, (bucket) => deleteBucket.call(store, bucket));
  store.putSubresource = forgetting(
    (bucket, _key, resource) => [`${bucket}\0${resource.type}`],
    (bucket, key, resource) => putSubresource.call(store, bucket, key, resource),
  );
  store.deleteSubresource = forgetting(
    (bucket, _key, type) => [`${bucket}\0${type}`],
    (bucket, key, type) => deleteSubresource.call(store, bucket, key, type),
  );
}

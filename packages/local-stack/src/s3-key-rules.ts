/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

// s3rver stores a key as a file path and appends "._S3rver_metadata.json" to its last segment;
// a file name may have 255 bytes.
const MAX_SEGMENT_BYTES = 255 - '._S3rver_metadata.json'.length;

const BUCKET_NAME = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** decodeURIComponent, or undefined for malformed percent-encoding (which would throw). */
export function decodeUriPart(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name);
}

/**
 * Why s3rver's file store cannot hold `key` although S3 would, or undefined if it can: such a
 * key would make s3rver throw (NUL, a name too long) or reach a file outside its place (`..`).
 */
export function unstorableKey(key: string): string | undefined {
  if (key.includes('\0')) return 'a NUL character';
  const segments = key.split('/');
  if (segments.some((segment) => segment === '.' || segment === '..')) return 'a "." or ".." path segment';
  if (segments.slice(0, -1).some((segment) => segment === '')) return 'an empty path segment';
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) return `a path segment over ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

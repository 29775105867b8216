import { describe, expect, it } from 'vitest';
import {
  CDN_INVALIDATION_LIMITS,
  explicitInvalidationPaths,
  invalidationPaths,
  wildcardInvalidationPath,
  type DeletedPhoto,
} from '#lib/cdn-invalidation';
import { IMAGE_CONTENT_TYPES } from '#lib/limits';
import { publishedObjectKey, renditionObjectKey, renditionObjectKeys } from '#lib/object-keys';
import { RENDITION_WIDTHS } from '#lib/renditions';

const EVENT_ID = 'summit-2026';
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
const photos = (count: number, contentType: DeletedPhoto['contentType'] = 'image/jpeg') =>
  Array.from({ length: count }, (_, index) => ({ photoId: id(index + 1), contentType }));

describe('wildcardInvalidationPath', () => {
  it('is the photo key prefix with * at the end, covering the published original and every rendition key', () => {
    const path = wildcardInvalidationPath(EVENT_ID, id(1));
    expect(path).toBe(`/photos/event_${EVENT_ID}/${id(1)}*`);
    const prefix = path.slice(0, -1);
    const keys = [
      ...Object.keys(IMAGE_CONTENT_TYPES).map((type) => publishedObjectKey(EVENT_ID, id(1), type as keyof typeof IMAGE_CONTENT_TYPES)),
      ...renditionObjectKeys(EVENT_ID, id(1)),
      renditionObjectKey(EVENT_ID, id(1), 1000),
    ];
    for (const key of keys) expect(`/${key}`.startsWith(prefix), key).toBe(true);
    // Photo ids are UUIDs, all 36 characters: no other photo's key starts with this prefix.
    expect(`/${publishedObjectKey(EVENT_ID, id(10), 'image/jpeg')}`.startsWith(prefix)).toBe(false);
  });
});

describe('explicitInvalidationPaths', () => {
  it('names the published original and every rendition width, each one file, for a known type', () => {
    expect(explicitInvalidationPaths(EVENT_ID, { photoId: id(1), contentType: 'image/png' })).toEqual([
      `/photos/event_${EVENT_ID}/${id(1)}.png`,
      ...RENDITION_WIDTHS.map((width) => `/photos/event_${EVENT_ID}/${id(1)}_w${width}.webp`),
    ]);
  });

  it('names the original under every extension when the type is unknown', () => {
    const paths = explicitInvalidationPaths(EVENT_ID, { photoId: id(1) });
    for (const extension of Object.values(IMAGE_CONTENT_TYPES)) expect(paths).toContain(`/photos/event_${EVENT_ID}/${id(1)}.${extension}`);
    for (const key of renditionObjectKeys(EVENT_ID, id(1))) expect(paths).toContain(`/${key}`);
    expect(paths).toHaveLength(Object.keys(IMAGE_CONTENT_TYPES).length + RENDITION_WIDTHS.length);
    expect(paths.filter((path) => path.includes('*'))).toEqual([]);
  });
});

describe('invalidationPaths', () => {
  it('gives one wildcard path per photo up to 15 photos', () => {
    const plan = invalidationPaths(EVENT_ID, photos(CDN_INVALIDATION_LIMITS.wildcardPathsInProgress));
    expect(plan.wildcard).toBe(true);
    expect(plan.paths).toEqual(photos(15).map(({ photoId }) => wildcardInvalidationPath(EVENT_ID, photoId)));
  });

  it('gives every file path above 15 photos, none with a wildcard', () => {
    const plan = invalidationPaths(EVENT_ID, photos(16));
    expect(plan.wildcard).toBe(false);
    expect(plan.paths).toHaveLength(16 * (1 + RENDITION_WIDTHS.length));
    expect(plan.paths.filter((path) => path.includes('*'))).toEqual([]);
    expect(plan.paths).toContain(`/photos/event_${EVENT_ID}/${id(16)}_w1920.webp`);
  });

  it('gives every file path when asked to (CloudFront answered TooManyInvalidationsInProgress), even for one photo', () => {
    expect(invalidationPaths(EVENT_ID, photos(1), { explicit: true })).toEqual({
      paths: explicitInvalidationPaths(EVENT_ID, photos(1)[0]!),
      wildcard: false,
    });
  });

  it('counts a photo named twice once', () => {
    const plan = invalidationPaths(EVENT_ID, [...photos(15), ...photos(15)]);
    expect(plan).toMatchObject({ wildcard: true });
    expect(plan.paths).toHaveLength(15);
  });

  it("keeps the largest batch (100 photos of unknown type) within CloudFront's 3,000 file paths and 4,000 characters a path", () => {
    const plan = invalidationPaths(EVENT_ID, photos(100, undefined));
    expect(plan.paths.length).toBeLessThanOrEqual(CDN_INVALIDATION_LIMITS.filePathsInProgress);
    expect(Math.max(...plan.paths.map((path) => path.length))).toBeLessThanOrEqual(CDN_INVALIDATION_LIMITS.pathChars);
    expect(new Set(plan.paths).size).toBe(plan.paths.length);
  });

  it('gives no path for no photo', () => {
    expect(invalidationPaths(EVENT_ID, [])).toEqual({ paths: [], wildcard: true });
  });
});

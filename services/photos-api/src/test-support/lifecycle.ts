import type { ObjectStore, PhotoRenderer, PhotoStore } from '@event-photos/core';
import { logger } from '#lib/logger';
import type { Lifecycle } from '#uploads/lifecycle';

export const TEST_CDN = 'https://d111111abcdef8.cloudfront.net';

/** The lifecycle over the given stores, with the deployed limits, the system clock unless given, and the (silent) logger. */
export function testLifecycle(
  stores: { photos: PhotoStore; objects: ObjectStore; renderer: PhotoRenderer },
  overrides: Partial<Omit<Lifecycle, 'photos' | 'objects' | 'renderer'>> = {},
): Lifecycle {
  return {
    ...stores,
    config: { maxUploadBytes: 25 * 1024 * 1024, cdnBaseUrl: TEST_CDN },
    clock: () => new Date(),
    logger,
    ...overrides,
  };
}

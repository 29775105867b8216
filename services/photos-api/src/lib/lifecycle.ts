import type { ObjectStore, PhotoRenderer, PhotoStore } from '@event-photos/core';
import { config } from '#lib/config';
import { logger } from '#lib/logger';
import { type Lifecycle, systemClock } from '#uploads/lifecycle';

/** The lifecycle as deployed: these stores, config.ts's settings, the system clock and the function's logger. */
export function deployedLifecycle(stores: { photos: PhotoStore; objects: ObjectStore; renderer: PhotoRenderer }): Lifecycle {
  return {
    ...stores,
    config: { maxUploadBytes: config.maxUploadBytes, cdnBaseUrl: config.cdnBaseUrl },
    clock: systemClock,
    logger,
  };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import type { ObjectStore, PhotoRenderer, PhotoStore } from '@event-photos/core';

// The upload lifecycle's one home: initiate, process (verify, render, accept, publish, record),
// deduplicate, delete and reconcile are use-cases here, over the store interfaces of
// @event-photos/core. Each decision that changes several records is one store call, which the
// DynamoDB adapter makes one transaction (see PhotoStore): no use-case here sleeps, retries a
// race or gives a count back by hand. The handlers in src/http, src/s3 and src/jobs parse their
// input, call one of these and map the result.

/** What the lifecycle reads from the deployment (config.ts gives the deployed values). */
export interface LifecycleConfig {
  maxUploadBytes: number;
  /** Where published objects are served from, without a trailing slash. */
  cdnBaseUrl: string;
}

/** Now. Passed in, so tests and the bench decide what time it is. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Everything processing works with. */
export interface Lifecycle {
  photos: PhotoStore;
  objects: ObjectStore;
  renderer: PhotoRenderer;
  config: LifecycleConfig;
  clock: Clock;
  logger: Logger;
}

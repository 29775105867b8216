import type { Logger } from '@aws-lambda-powertools/logger';
import type { Lifecycle } from '#uploads/lifecycle';

/** How processing one object ended (reconcile and the S3 handler count them). */
export type Outcome = 'created' | 'alreadyRecorded' | 'duplicateContent' | 'rejected' | 'gone' | 'deleted';

/** One processing of one uploaded object: which photo it is, and what it works with. */
export interface ProcessingRun {
  lifecycle: Lifecycle;
  /** The uploaded object's key, under uploads/. */
  key: string;
  eventId: string;
  photoId: string;
  /** Every line names the object and its photo: several keys run at once in one invocation. */
  logger: Logger;
}

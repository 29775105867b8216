import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { decodeUploadMetadata, parseUploadObjectKey, type Photo } from '@event-photos/core';
import { config } from '#lib/config';
import { photos, storage } from '#lib/dependencies';
import { logger } from '#lib/logger';

export type Outcome = 'created' | 'duplicate' | 'skipped';

/** S3 keys in event notifications are URL-encoded, with '+' for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * Turns one uploaded object into a photo record. Idempotent: S3 delivers events at least once,
 * and a second delivery finds the record and writes nothing.
 */
export async function processUpload(key: string): Promise<Outcome> {
  const parsed = parseUploadObjectKey(key);
  if (!parsed) {
    logger.warn('Not an upload key, ignored', { key });
    return 'skipped';
  }
  if (await photos.getPhoto(parsed.eventId, parsed.photoId)) return 'duplicate';

  const object = await storage.head(key);
  if (!object) {
    logger.warn('Object is gone, nothing to process', { key });
    return 'skipped';
  }
  const metadata = decodeUploadMetadata(object.metadata);
  if (!metadata || metadata.photoId !== parsed.photoId || metadata.eventId !== parsed.eventId) {
    logger.warn('Object does not carry our upload metadata, ignored', { key });
    return 'skipped';
  }
  // The upload record written at initiation is the full source of the text fields:
  // a long description may not have fitted into the object's metadata.
  const pending = await photos.getPendingUpload(parsed.eventId, parsed.photoId);
  const { sha256 } = await storage.sha256(key, object.etag);

  const photo: Photo = {
    photoId: parsed.photoId,
    eventId: parsed.eventId,
    title: pending?.title ?? metadata.title,
    description: pending?.description ?? metadata.description ?? '',
    contentType: metadata.contentType,
    size: object.size,
    sha256,
    url: `${config.cdnBaseUrl}/${key}`, // keys are built from safe ids only
    uploaderId: metadata.uploaderId,
    createdAt: new Date().toISOString(),
  };
  const created = await photos.savePhoto(photo);
  logger.info(created ? 'Photo recorded' : 'Photo already recorded', { key, photoId: photo.photoId });
  return created ? 'created' : 'duplicate';
}

async function processRecord(record: S3EventRecord): Promise<Outcome> {
  const key = decodeS3Key(record.s3.object.key);
  return processUpload(key);
}

/**
 * Handles every record of the event. A record that fails makes the whole invocation fail, so
 * Lambda retries it; records already done are no-ops on the retry.
 */
export const handler = middy<S3Event, void>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const results = await Promise.allSettled(event.Records.map(processRecord));
    const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    for (const failure of failures) logger.error('Processing an upload failed', failure.reason as Error);
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((failure) => failure.reason),
        `${failures.length} of ${results.length} uploads failed`,
      );
    }
  });

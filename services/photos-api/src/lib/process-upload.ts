import {
  FEED_SETTLE_MS,
  PUBLISHED_CACHE_CONTROL,
  UNKNOWN_UPLOADER_NAME,
  UPLOADS_PREFIX,
  decodeUploadMetadata,
  effectiveQuotas,
  parseUploadObjectKey,
  publishedObjectKey,
  renditionObjectKey,
  renditionObjectKeys,
  type Photo,
  type PhotoRenderer,
} from '@event-photos/core';
import { config } from '#lib/config';
import { SNIFF_BYTES, imageTypeMismatch } from '#lib/image-sniffing';
import { logger as baseLogger } from '#lib/logger';
import type { Logger } from '@aws-lambda-powertools/logger';
import { claimContent } from '#lib/claim-content';
import type { Stores } from '#lib/stores';

/**
 * `alreadyRecorded`: a redelivery, the photo of this very object exists. `duplicateContent`: the
 * event already holds the same bytes as another photo, so this upload's object is deleted.
 */
export type Outcome = 'created' | 'alreadyRecorded' | 'duplicateContent' | 'rejected' | 'gone' | 'deleted';

/** What processing works with: the stores, and the renderer that decodes each photo. */
export interface Processing extends Stores {
  renderer: PhotoRenderer;
}

/**
 * Turns one uploaded object into a photo record, trusting nothing the client sent: the object
 * must carry the metadata we signed, match the upload record's size and the declared image
 * type. Anything else is deleted and the upload marked rejected with a reason.
 * Idempotent: S3 delivers events at least once, and a redelivery writes nothing.
 *
 * Deletes race with processing, and there is no transaction across the upload and photo items
 * (nor in dynalite). A delete marks the upload `deleted` first, then removes the photo record,
 * then the objects. Processing checks the mark before writing the photo and again after: if the
 * delete came in between, processing removes what it wrote. Either side then cleans up, so no
 * photo record or object outlives a delete, whichever order they run in.
 *
 * One photo per content in an event: the hash is claimed (claim-content.ts) before the photo is
 * written, and an upload whose bytes another photo holds is marked `duplicate` and its object deleted.
 *
 * Nothing unchecked is published: the bytes must decode as the declared type (the renderer
 * refuses bombs, truncated and corrupt files), and viewers only get the published original and
 * its renditions. The photo is ready only once every one of them is written.
 */
export async function processUpload(stores: Processing, key: string): Promise<Outcome> {
  const { photos, objects, renderer } = stores;
  // Only ever act on the uploads area, whatever trigger or job calls this.
  if (!key.startsWith(UPLOADS_PREFIX)) throw new Error(`Refusing to process ${key}: not under ${UPLOADS_PREFIX}`);
  const parsed = parseUploadObjectKey(key);
  // Every line about this object names it, and its photo: several keys run at once in one invocation.
  const logger = baseLogger.createChild({ persistentKeys: { key, ...(parsed && { eventId: parsed.eventId, photoId: parsed.photoId }) } });
  // Independent reads at once: one round trip before the checks start.
  const [recorded, object, pending, photoEvent] = await Promise.all([
    parsed && photos.getPhoto(parsed.eventId, parsed.photoId),
    objects.head(key),
    parsed && photos.getPendingUpload(parsed.eventId, parsed.photoId),
    parsed && photos.getEvent(parsed.eventId),
  ]);
  if (recorded) {
    // The quarantined upload of a published photo stays while its URL is valid, so that a second
    // PUT with it still answers 412 (If-None-Match); after that (reconcile comes by), it goes.
    const urlExpired = !pending?.expiresAt || Date.parse(pending.expiresAt) <= Date.now(); // a delete marker has no expiry
    if (object && urlExpired && !recorded.objectKeys.includes(key)) await objects.delete(key);
    return 'alreadyRecorded';
  }
  if (!object) {
    logger.info('Object is gone, nothing to process');
    return 'gone';
  }
  const reject = async (reason: string): Promise<Outcome> => {
    await objects.delete(key);
    if (parsed && pending) await photos.rejectUpload(parsed.eventId, parsed.photoId, reason);
    logger.warn('Upload rejected, object deleted', { reason });
    return 'rejected';
  };

  if (parsed && pending?.status === 'deleted') {
    // An earlier run may have published before the delete came: remove whatever it wrote too.
    const published = [
      publishedObjectKey(parsed.eventId, parsed.photoId, pending.contentType),
      ...renditionObjectKeys(parsed.eventId, parsed.photoId),
    ];
    return discardDeleted(stores, logger, key, parsed.eventId, parsed.photoId, undefined, published);
  }

  const metadata = decodeUploadMetadata(object.metadata);
  if (!parsed || !pending || !metadata) return reject('The object was not uploaded through an upload URL of this API');
  if (pending.status === 'rejected') return reject(pending.rejectionReason ?? 'The upload was rejected');
  // Marked before its object was deleted: a crash in between leaves the object to delete here.
  if (pending.status === 'duplicate') return discardDuplicate(stores, logger, key, parsed.eventId, parsed.photoId, pending.duplicateOf!);
  if (
    metadata.photoId !== parsed.photoId ||
    metadata.eventId !== parsed.eventId ||
    metadata.uploaderId !== pending.uploaderId ||
    metadata.contentType !== pending.contentType
  ) {
    return reject('The object metadata does not match its upload');
  }
  if (object.size > config.maxUploadBytes) return reject(`The file is ${object.size} bytes, over the maximum of ${config.maxUploadBytes}`);
  if (object.size !== pending.size) return reject(`The file is ${object.size} bytes, not the declared ${pending.size}`);
  // Decoding needs every byte anyway: one read (of the version checked), hashed as it arrives.
  const { bytes, sha256 } = await objects.read(key, object.etag);
  if (object.verifiedSha256 && object.verifiedSha256 !== sha256) throw new Error(`${key}: read bytes do not match the SHA-256 S3 verified`);
  const mismatch = await imageTypeMismatch(bytes.subarray(0, SNIFF_BYTES), pending.contentType);
  if (mismatch) return reject(mismatch);
  const rendered = await renderer.render(bytes, pending.contentType);
  if (rendered.kind === 'rejected') return reject(rendered.reason);

  const duplicateOf = await claimContent(stores, parsed.eventId, sha256, parsed.photoId);
  if (duplicateOf !== null) return discardDuplicate(stores, logger, key, parsed.eventId, parsed.photoId, duplicateOf);
  // Accepted: publish the version checked and its renditions, with headers we set. Viewers only
  // ever read published keys. Each write is the same object again on a redelivery.
  const published = publishedObjectKey(parsed.eventId, parsed.photoId, pending.contentType);
  const renditions = (rendered.kind === 'rendered' ? rendered.renditions : []).map((rendition) => ({
    ...rendition,
    key: renditionObjectKey(parsed.eventId, parsed.photoId, rendition.width),
  }));
  await Promise.all([
    objects.publish(key, published, object.etag, { contentType: pending.contentType, cacheControl: PUBLISHED_CACHE_CONTROL }),
    ...renditions.map((rendition) =>
      objects.write(rendition.key, rendition.bytes, { contentType: rendition.contentType, cacheControl: PUBLISHED_CACHE_CONTROL }),
    ),
  ]);
  const objectKeys = [published, ...renditions.map((rendition) => rendition.key)];
  const photo: Photo = {
    photoId: parsed.photoId,
    eventId: parsed.eventId,
    // The upload record holds the text in full: a long description may not fit the object's metadata.
    title: pending.title,
    description: pending.description,
    contentType: pending.contentType,
    size: object.size,
    sha256,
    url: `${config.cdnBaseUrl}/${published}`, // keys are built from safe ids only
    uploaderId: pending.uploaderId,
    uploaderName: pending.uploaderName ?? UNKNOWN_UPLOADER_NAME, // uploads initiated before names were recorded
    objectKeys,
    createdAt: new Date().toISOString(),
    ...(rendered.width !== undefined && rendered.height !== undefined && { width: rendered.width, height: rendered.height }),
    renditions: renditions.map(({ width, height, contentType, key: renditionKey }) => ({
      width,
      height,
      contentType,
      url: `${config.cdnBaseUrl}/${renditionKey}`,
    })),
    ...(rendered.kind === 'rendered' ? { placeholder: rendered.placeholder } : { previewUnavailable: rendered.reason }),
  };
  const created = await saveStamped(photos, logger, photo);
  if (created) {
    // Counted once, by the run whose write created the photo (a redelivery's write creates none).
    const stored = await photos.countStoredPhoto(parsed.eventId, pending.uploaderId, object.size, effectiveQuotas(photoEvent ?? {}));
    if (!stored.counted) {
      const reason =
        stored.scope === 'user'
          ? 'You have reached the number of photos or bytes you may keep in this event'
          : 'This event has reached the number of photos or bytes it may keep';
      await removeWritten(stores, key, parsed.eventId, parsed.photoId, sha256, objectKeys);
      await photos.rejectUpload(parsed.eventId, parsed.photoId, reason);
      logger.warn('Over a total quota: photo taken back, upload rejected', { reason });
      return 'rejected';
    }
    if ((await photos.getPendingUpload(parsed.eventId, parsed.photoId))?.status === 'deleted') {
      return discardDeleted(stores, logger, key, parsed.eventId, parsed.photoId, sha256, objectKeys);
    }
  }
  logger.info(created ? 'Photo recorded' : 'Photo already recorded', {
    checksum: object.verifiedSha256 ? 'verified by S3, and by us' : 'computed',
    size: object.size,
    bytesRead: bytes.length,
    renditions: renditions.length,
  });
  return created ? 'created' : 'alreadyRecorded';
}

const MAX_RESTAMPS = 5;

/**
 * Writes the photo, then stamps it ready again while its write took more than half of
 * FEED_SETTLE_MS: a feed may have moved past a stamp that old before the photo was readable, and
 * must find it after. (A reader that saw the first stamp may then get the photo twice; none misses it.)
 */
async function saveStamped(photos: Stores['photos'], logger: Logger, photo: Photo): Promise<boolean> {
  let stampedAt = Date.parse(photo.createdAt);
  const created = await photos.savePhoto(photo);
  for (let restamps = 0; created && Date.now() - stampedAt > FEED_SETTLE_MS / 2 && restamps < MAX_RESTAMPS; restamps++) {
    logger.warn('Photo write was slow, stamping it ready again', { writeMs: Date.now() - stampedAt });
    stampedAt = Date.now();
    if (!(await photos.restampPhoto(photo, new Date(stampedAt).toISOString()))) break;
  }
  return created;
}

/**
 * The photo was deleted (before or while it was processed): remove its record, its hash claim
 * when known (the delete could not release it when it ran before the photo was written), then its object.
 */
async function discardDeleted(
  stores: Processing,
  logger: Logger,
  key: string,
  eventId: string,
  photoId: string,
  sha256?: string,
  published: string[] = [],
): Promise<Outcome> {
  const removed = await removeWritten(stores, key, eventId, photoId, sha256, published);
  // Whoever removes a record gives its count back (the delete, when it got there first).
  if (removed) await stores.photos.uncountStoredPhoto(eventId, removed.uploaderId, removed.size);
  logger.info('Photo was deleted, record and objects removed');
  return 'deleted';
}

/** Removes the photo's record, its hash claim when known, and its objects; the record removed, if there was one. */
async function removeWritten(
  { photos, claims, objects }: Stores,
  key: string,
  eventId: string,
  photoId: string,
  sha256: string | undefined,
  published: string[],
) {
  const removed = await photos.deletePhotoRecord(eventId, photoId);
  if (sha256) await claims.releaseHash(eventId, sha256, photoId);
  await Promise.all([key, ...published].map((object) => objects.delete(object)));
  return removed;
}

/** The event already holds these bytes as photo `duplicateOf`: mark the upload so, then delete its object. */
async function discardDuplicate(
  { claims, objects }: Stores,
  logger: Logger,
  key: string,
  eventId: string,
  photoId: string,
  duplicateOf: string,
): Promise<Outcome> {
  await claims.markUploadDuplicate(eventId, photoId, duplicateOf);
  await objects.delete(key);
  logger.info('Same bytes as another photo of the event, object deleted', { duplicateOf });
  return 'duplicateContent';
}

import { effectiveQuotas, parseUploadObjectKey, UPLOADS_PREFIX } from '@event-photos/core';
import { reject } from '#uploads/discard';
import type { Lifecycle } from '#uploads/lifecycle';
import { claim, publication, publish, record, render, settleUpload, stripOriginal, verify } from '#uploads/process-steps';
import type { Outcome, ProcessingRun } from '#uploads/processing-run';

/**
 * Turns one uploaded object into a ready photo, or ends it with a reason (see Outcome).
 * Idempotent: S3 delivers events at least once, reconcile may run the same object again, and a
 * run may stop anywhere; the next one finishes what it left. Steps: verify, render and strip,
 * claim (one transaction), publish, record.
 */
export async function processUpload(lifecycle: Lifecycle, key: string): Promise<Outcome> {
  // Only ever act on the uploads area, whatever trigger or job calls this.
  if (!key.startsWith(UPLOADS_PREFIX)) throw new Error(`Refusing to process ${key}: not under ${UPLOADS_PREFIX}`);
  const ids = parseUploadObjectKey(key);
  if (!ids) {
    await lifecycle.objects.delete(key);
    lifecycle.logger.warn('Upload rejected, object deleted: not a key this API signs', { key });
    return 'rejected';
  }
  const { eventId, photoId } = ids;
  const run: ProcessingRun = {
    lifecycle,
    key,
    eventId,
    photoId,
    logger: lifecycle.logger.createChild({ persistentKeys: { key, eventId, photoId } }),
  };
  // Independent reads at once: one round trip (the store batches them).
  const [ready, object, upload, photoEvent] = await Promise.all([
    lifecycle.photos.getPhoto(eventId, photoId),
    lifecycle.objects.head(key),
    lifecycle.photos.getUpload(eventId, photoId),
    lifecycle.photos.getEvent(eventId),
  ]);
  if (ready) {
    // The quarantined upload of a ready photo stays while its URL is valid, so that a second PUT
    // with it still answers 412 (If-None-Match); after that (reconcile comes by), it goes.
    const urlExpired = !upload?.expiresAt || Date.parse(upload.expiresAt) <= lifecycle.clock().getTime();
    if (object && urlExpired) await lifecycle.objects.delete(key);
    return 'alreadyRecorded';
  }
  // Deleted: whatever it has or may get goes, even when its upload is gone already.
  if (upload?.status === 'deleted') return settleUpload(run, upload);
  if (!object) {
    run.logger.info('Object is gone, nothing to process');
    return 'gone';
  }
  if (upload?.status !== 'pending' && upload?.status !== 'accepted') return settleUpload(run, upload);

  const verified = await verify(run, object, upload);
  if ('refused' in verified) return reject(run, verified.refused);
  const rendered = await render(run, verified.bytes, upload);
  if (rendered.kind === 'rejected') return reject(run, rendered.reason);
  const toPublish = publication(run, upload, verified.sha256, rendered, stripOriginal(run, verified.bytes, upload));
  const claimed = await claim(run, toPublish.photo, effectiveQuotas(photoEvent ?? {}));
  if (claimed !== 'accepted' && claimed !== 'acceptedBefore') return claimed;
  await publish(run, object, toPublish);
  const outcome = await record(run, toPublish.photo);
  if (outcome !== 'created') return outcome;
  // One run creates each photo: the one whose claim won.
  if (claimed === 'acceptedBefore') return 'alreadyRecorded';
  run.logger.info('Photo ready', {
    checksum: object.verifiedSha256 ? 'verified by S3, and by us' : 'computed',
    size: object.size,
    published: toPublish.objects.length,
  });
  return outcome;
}

import { createHash } from 'node:crypto';
import {
  decodeUploadMetadata,
  FEED_SETTLE_MS,
  type ImageContentType,
  ORIGINAL_CACHE_CONTROL,
  originalObjectKey,
  PUBLISHED_CACHE_CONTROL,
  type Photo,
  publishedObjectKey,
  type RenderOutcome,
  renditionObjectKey,
  type StoredObject,
  type Upload,
  type UploadQuotas,
} from '@event-photos/core';
import { imageTypeMismatch, SNIFF_BYTES } from '#lib/image-sniffing';
import { discardDeleted, discardDuplicate, reject } from '#uploads/discard';
import type { Outcome, ProcessingRun } from '#uploads/processing-run';

// Processing's steps, in order: verify, render (and strip), claim, publish, record. Nothing is visible to
// anyone (no list, feed, GET or published object) before claim commits, and a run that loses
// the claim publishes nothing.

type Accepting = Upload & { status: 'pending' | 'accepted' };

/** Trusts nothing the client sent: the signed metadata, the declared size and type, the bytes themselves. */
export async function verify(
  { lifecycle, key, eventId, photoId }: ProcessingRun,
  object: StoredObject,
  upload: Accepting,
): Promise<{ bytes: Uint8Array; sha256: string } | { refused: string }> {
  const metadata = decodeUploadMetadata(object.metadata);
  if (!metadata) return { refused: 'The object was not uploaded through an upload URL of this API' };
  const matches =
    metadata.photoId === photoId &&
    metadata.eventId === eventId &&
    metadata.uploaderId === upload.uploaderId &&
    metadata.contentType === upload.contentType;
  if (!matches) return { refused: 'The object metadata does not match its upload' };
  const { maxUploadBytes } = lifecycle.config;
  if (object.size > maxUploadBytes) return { refused: `The file is ${object.size} bytes, over the maximum of ${maxUploadBytes}` };
  if (object.size !== upload.size) return { refused: `The file is ${object.size} bytes, not the declared ${upload.size}` };
  // Decoding needs every byte anyway: one read (of the version checked), hashed as it arrives.
  const read = await lifecycle.objects.read(key, object.etag);
  if (object.verifiedSha256 && object.verifiedSha256 !== read.sha256)
    throw new Error(`${key}: read bytes do not match the SHA-256 S3 verified`);
  const mismatch = await imageTypeMismatch(read.bytes.subarray(0, SNIFF_BYTES), upload.contentType);
  return mismatch ? { refused: mismatch } : read;
}

/** Decodes once (the renderer refuses bombs, truncated and corrupt files) into renditions and a placeholder. */
export function render({ lifecycle }: ProcessingRun, bytes: Uint8Array, upload: Accepting): Promise<RenderOutcome> {
  return lifecycle.renderer.render(bytes, upload.contentType);
}

/** The published original: the upload without its identifying metadata, or why none is published. */
export type PublishedOriginal = { bytes: Uint8Array; sha256: string } | { withheld: string };

/**
 * What others download carries no location or device identity: the upload's metadata removed
 * losslessly (the image data byte for byte the same). A file whose metadata cannot be removed
 * safely (HEIC, AVIF, GIF, or a container this cannot walk) gets no published original; its
 * uploader and the organizer still have the untouched one (GET .../original).
 */
export function stripOriginal({ lifecycle, logger }: ProcessingRun, bytes: Uint8Array, upload: Accepting): PublishedOriginal {
  const stripped = lifecycle.renderer.stripIdentifyingMetadata(bytes, upload.contentType);
  if ('unsupported' in stripped) {
    logger.info('No original published', { because: stripped.unsupported });
    return { withheld: withheldReason(upload.contentType, stripped.unsupported) };
  }
  logger.info('Identifying metadata removed from the published original', { removed: stripped.removed });
  return { bytes: stripped.bytes, sha256: createHash('sha256').update(stripped.bytes).digest('hex') };
}

function withheldReason(contentType: ImageContentType, unsupported: string): string {
  return unsupported.startsWith('the metadata of')
    ? `Location and device details cannot be removed from ${contentType} files here, so others see the resized copies only`
    : 'Location and device details could not be removed from this file safely, so others see the resized copies only';
}

/** The objects to publish, and the record that names them. */
export interface Publication {
  photo: Photo;
  /** The untouched upload, kept private under originals/ (copied from the version checked). */
  originalKey: string;
  /** What the CDN serves: the published original (when there is one) and the renditions. */
  objects: { key: string; bytes: Uint8Array; contentType: string }[];
}

/** What claim records: the photo as it will be served, from the upload record (it holds the text in full). */
export function publication(
  { lifecycle, eventId, photoId }: ProcessingRun,
  upload: Accepting,
  sha256: string,
  rendered: Exclude<RenderOutcome, { kind: 'rejected' }>,
  original: PublishedOriginal,
): Publication {
  const { cdnBaseUrl } = lifecycle.config;
  const publishedKey = publishedObjectKey(eventId, photoId, upload.contentType);
  const renditions = (rendered.kind === 'rendered' ? rendered.renditions : []).map((rendition) => ({
    ...rendition,
    key: renditionObjectKey(eventId, photoId, rendition.width),
  }));
  const published = 'bytes' in original ? [{ key: publishedKey, bytes: original.bytes, contentType: upload.contentType }] : [];
  const originalKey = originalObjectKey(eventId, photoId, upload.contentType);
  const photo: Photo = {
    photoId,
    eventId,
    title: upload.title,
    description: upload.description,
    contentType: upload.contentType,
    size: upload.size,
    sha256,
    // Keys are built from safe ids only.
    ...('bytes' in original
      ? { url: `${cdnBaseUrl}/${publishedKey}`, publishedSize: original.bytes.length, publishedSha256: original.sha256 }
      : { originalWithheld: original.withheld }),
    uploaderId: upload.uploaderId,
    uploaderName: upload.uploaderName,
    objectKeys: [originalKey, ...published.map((object) => object.key), ...renditions.map((rendition) => rendition.key)],
    createdAt: lifecycle.clock().toISOString(), // stamped again when it becomes ready
    ...(rendered.width !== undefined && rendered.height !== undefined && { width: rendered.width, height: rendered.height }),
    renditions: renditions.map(({ width, height, contentType, key }) => ({ width, height, contentType, url: `${cdnBaseUrl}/${key}` })),
    ...(rendered.kind === 'rendered' ? { placeholder: rendered.placeholder } : { previewUnavailable: rendered.reason }),
  };
  const objects = [...published, ...renditions.map(({ key, bytes, contentType }) => ({ key, bytes, contentType }))];
  return { photo, originalKey, objects };
}

/**
 * One transaction: the photo recorded, its bytes claimed, the totals counted, the upload accepted.
 * `accepted` when this run won it; `acceptedBefore` when another run (a concurrent delivery, or one
 * that stopped before the photo was ready) did: this run still publishes and stamps it, which is
 * the same again, so that a stopped run's work gets finished.
 */
export async function claim(run: ProcessingRun, photo: Photo, quotas: UploadQuotas): Promise<'accepted' | 'acceptedBefore' | Outcome> {
  const acceptance = await run.lifecycle.photos.acceptPhoto(photo, quotas, run.lifecycle.clock());
  if (acceptance.accepted) return 'accepted';
  if (acceptance.because === 'acceptedBefore') return 'acceptedBefore';
  switch (acceptance.because) {
    case 'duplicate':
      return discardDuplicate(run, acceptance.duplicateOf);
    case 'overTotal':
      return reject(
        run,
        acceptance.scope === 'user'
          ? 'You have reached the number of photos or bytes you may keep in this event'
          : 'This event has reached the number of photos or bytes it may keep',
      );
    case 'notPending':
      return settleUpload(run, acceptance.upload, photo.contentType);
  }
}

/** An upload that is no longer pending ends here, whatever state it reached. */
export function settleUpload(run: ProcessingRun, upload: Upload | null, contentType?: Photo['contentType']): Promise<Outcome> {
  switch (upload?.status) {
    case 'deleted':
      return discardDeleted(run, upload.contentType ?? contentType);
    case 'duplicate':
      return discardDuplicate(run, upload.duplicateOf);
    case 'rejected':
      return reject(run, upload.rejectionReason);
    default:
      return reject(run, 'The object was not uploaded through an upload URL of this API', { withoutUpload: upload === null });
  }
}

/**
 * Keeps the version checked, untouched, under originals/ and publishes what the CDN serves, with
 * headers we set. Each write is the same object again on a redelivery.
 */
export async function publish(
  { lifecycle, key }: ProcessingRun,
  object: StoredObject,
  { photo, originalKey, objects }: Publication,
): Promise<void> {
  await Promise.all([
    lifecycle.objects.publish(key, originalKey, object.etag, { contentType: photo.contentType, cacheControl: ORIGINAL_CACHE_CONTROL }),
    ...objects.map((published) =>
      lifecycle.objects.write(published.key, published.bytes, {
        contentType: published.contentType,
        cacheControl: PUBLISHED_CACHE_CONTROL,
      }),
    ),
  ]);
}

const MAX_RESTAMPS = 5;

/**
 * Makes the photo visible, once every object exists. Stamps it ready again while the stamp took
 * more than half of FEED_SETTLE_MS: a feed may have moved past a stamp that old before the photo
 * was readable, and must find it after. A photo deleted meanwhile is discarded here.
 */
export async function record(run: ProcessingRun, photo: Photo): Promise<Outcome> {
  const { photos, clock } = run.lifecycle;
  for (let stamps = 0; stamps <= MAX_RESTAMPS; stamps++) {
    const stampedAt = clock();
    if (!(await photos.markPhotoReady(run.eventId, run.photoId, stampedAt.toISOString()))) return discardDeleted(run, photo.contentType);
    const took = clock().getTime() - stampedAt.getTime();
    if (took <= FEED_SETTLE_MS / 2) break;
    run.logger.warn('Ready stamp was slow, stamping it again', { writeMs: took });
  }
  return 'created';
}

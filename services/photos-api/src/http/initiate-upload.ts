import { signUpload } from '@event-photos/aws';
import { initiateUploadSchema, parseOrThrow } from '@event-photos/core';
import { callerName } from '#lib/caller-name';
import { cdnSigner, type EventUrlSigner } from '#lib/cdn-urls';
import { config } from '#lib/config';
import { pathEventId } from '#lib/http';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { liveGroups } from '#lib/organizers-group';
import { eventAccess } from '#lib/event-access';
import { jsonBodyHandler } from '#lib/json-body';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import type { EventStores } from '#lib/stores';
import { uploadSigning } from '#lib/upload-signing';
import { type Initiating, initiateUpload, type SignUpload } from '#uploads/initiate-upload';
import { systemClock } from '#uploads/lifecycle';

const requestSchema = initiateUploadSchema(config.maxUploadBytes);

/** Signs with the function's role, for the bucket and URL lifetime of the deployment. */
export const signWithRole: SignUpload = (upload, now) =>
  signUpload(
    uploadSigning,
    {
      bucket: config.bucketName,
      key: upload.key,
      contentType: upload.contentType,
      size: upload.size,
      metadata: upload.metadata,
      expiresInSeconds: config.uploadUrlExpiresSeconds,
      sha256Base64: upload.sha256Hex && Buffer.from(upload.sha256Hex, 'hex').toString('base64'),
    },
    now,
  );

/**
 * POST /events/{eventId}/photos/initiate-upload: records the upload and signs a PUT URL for it;
 * or, when the declared sha256 is already a photo of the event, answers 200 with that photo. Its
 * organizer and the members whose invite allows uploads; 404 for anyone else.
 */
export const createHandler = (
  stores: EventStores,
  sign: SignUpload = signWithRole,
  clock = systemClock,
  inGroup: GroupCheck = liveGroups,
  signer: () => Promise<EventUrlSigner> = cdnSigner,
) => {
  const initiating: Initiating = { photos: stores.photos, sign, clock, urls: signer };
  return jsonBodyHandler(async (event, requestBody) => {
    const caller = callerOf(event, inGroup);
    const reached = await eventAccess(stores, pathEventId(event), caller);
    const request = parseOrThrow(requestSchema, requestBody);
    return initiateUpload(initiating, reached, { id: caller.id, name: callerName(event) }, request);
  });
};

export const handler = createHandler({ photos, members });

// The shapes the API answers with, as zod schemas: the OpenAPI document is generated from them, and
// api-responses.test.ts checks they are the very types the handlers build (no second copy to drift).
import * as z from 'zod/mini';
import { IMAGE_CONTENT_TYPES, type ImageContentType } from '#lib/limits';
import { eventIdSchema, inviteIdSchema, memberIdSchema, photoIdSchema } from '#lib/schemas';
import { PLACEHOLDER_MAX_CHARS, RENDITION_CONTENT_TYPE } from '#lib/renditions';

const contentTypes = Object.keys(IMAGE_CONTENT_TYPES) as [ImageContentType, ...ImageContentType[]];
const timestamp = z.iso.datetime();
const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** What a caller sees of an upload and its photo: the uploader by name, and whether it is theirs. */
const uploadFields = {
  photoId: photoIdSchema,
  eventId: eventIdSchema,
  title: z.string(),
  description: z.string(),
  contentType: z.enum(contentTypes),
  size: z.int().check(z.minimum(1)),
  uploaderName: z.string(),
  mine: z.boolean(),
};

const pixels = z.int().check(z.minimum(1));
const renditionSchema = z.strictObject({ width: pixels, height: pixels, contentType: z.literal(RENDITION_CONTENT_TYPE), url: z.url() });

export const photoViewSchema = z.strictObject({
  ...uploadFields,
  sha256,
  // The published original (identifying metadata removed), for callers who may download it.
  url: z.exactOptional(z.url()),
  publishedSize: z.exactOptional(z.int().check(z.minimum(1))),
  publishedSha256: z.exactOptional(sha256),
  originalWithheld: z.exactOptional(z.string()),
  createdAt: timestamp,
  // Optional: photos processed before renditions existed have none of these.
  width: z.exactOptional(pixels),
  height: z.exactOptional(pixels),
  renditions: z.exactOptional(z.array(renditionSchema)),
  placeholder: z.exactOptional(z.string().check(z.maxLength(PLACEHOLDER_MAX_CHARS), z.regex(/^data:image\/webp;base64,[A-Za-z0-9+/]+=*$/))),
  previewUnavailable: z.exactOptional(z.string()),
});

/** GET/PATCH of one photo: processed, or (GET only) its upload: pending, rejected, or a duplicate of another photo. */
export const readyPhotoSchema = z.extend(photoViewSchema, { status: z.literal('ready') });
export const uploadViewSchema = z.strictObject({
  ...uploadFields,
  initiatedAt: timestamp,
  status: z.enum(['pending', 'rejected', 'duplicate']),
  rejectionReason: z.optional(z.string()),
  rejectedAt: z.optional(timestamp),
  duplicateOf: z.optional(photoIdSchema),
  duplicateAt: z.optional(timestamp),
});
export const photoStatusSchema = z.discriminatedUnion('status', [readyPhotoSchema, uploadViewSchema]);

export const initiateUploadResponseSchema = z.strictObject({
  photoId: photoIdSchema,
  s3PutObjectUrl: z.url(),
  method: z.literal('PUT'),
  /** Exactly the headers the client must send with the PUT. */
  headers: z.record(z.string(), z.string()),
  expiresAt: timestamp,
});

/** initiate-upload with a sha256 the event already holds: its photo, and nothing to upload. */
export const duplicateUploadResponseSchema = z.strictObject({ duplicate: z.literal(true), photo: photoViewSchema });

export const eventViewSchema = z.strictObject({
  eventId: eventIdSchema,
  name: z.string(),
  description: z.string(),
  open: z.boolean(),
  createdAt: timestamp,
  mine: z.boolean(),
  quotas: z.strictObject({
    userUploadsPerHour: z.int(),
    userBytesPerHour: z.int(),
    eventUploadsPerHour: z.int(),
    eventBytesPerHour: z.int(),
    userPhotosTotal: z.int(),
    userBytesTotal: z.int(),
    eventPhotosTotal: z.int(),
    eventBytesTotal: z.int(),
  }),
});
export const photoPageSchema = z.strictObject({
  items: z.array(photoViewSchema),
  nextCursor: z.nullable(z.string()),
  feedCursor: z.nullable(z.string()),
  // Feed answers (since=) only: edits and deletes since the cursor, and the event as it is now.
  changed: z.exactOptional(z.array(photoViewSchema)),
  removed: z.exactOptional(z.array(photoIdSchema)),
  event: z.exactOptional(eventViewSchema),
});

const rights = { upload: z.boolean(), viewOthers: z.boolean(), downloadOriginals: z.boolean() };
export const eventDetailsSchema = z.extend(eventViewSchema, { photoCount: z.int().check(z.minimum(0)), rights: z.strictObject(rights) });
export const eventPageSchema = z.strictObject({ items: z.array(eventViewSchema), nextCursor: z.nullable(z.string()) });

/** GET .../photos/{photoId}/original: a presigned GET of the untouched upload, for its uploader and the organizer. */
export const originalDownloadSchema = z.strictObject({ url: z.url(), expiresAt: timestamp });

export const batchDeleteResponseSchema = z.strictObject({
  results: z.array(z.strictObject({ photoId: photoIdSchema, status: z.enum(['deleted', 'notFound', 'forbidden']) })),
});

const expiresAt = z.nullable(timestamp);

/** POST .../invites: the only answer with the code, and the web app's link carrying it. */
export const createdInviteSchema = z.strictObject({
  inviteId: inviteIdSchema,
  code: z.string().check(z.regex(/^[A-Za-z0-9_-]{22,}$/)),
  url: z.string(),
  ...rights,
  expiresAt,
});
export const inviteViewSchema = z.strictObject({
  inviteId: inviteIdSchema,
  ...rights,
  expiresAt,
  createdAt: timestamp,
  revokedAt: expiresAt,
});
export const inviteListSchema = z.strictObject({ items: z.array(inviteViewSchema) });

/** POST .../members: the caller's membership. */
export const joinedEventSchema = z.strictObject({ eventId: eventIdSchema, memberId: memberIdSchema, ...rights });
export const memberViewSchema = z.strictObject({
  memberId: memberIdSchema,
  displayName: z.string(),
  joinedAt: timestamp,
  photoCount: z.int().check(z.minimum(0)),
  ...rights,
});
export const memberPageSchema = z.strictObject({ items: z.array(memberViewSchema), nextCursor: z.nullable(z.string()) });

/** POST .../exports (202), and GET .../exports/{exportId}: "download all". */
export const createdExportSchema = z.strictObject({ exportId: photoIdSchema });
export const exportViewSchema = z.strictObject({
  exportId: photoIdSchema,
  status: z.enum(['running', 'ready', 'failed']),
  photos: z.int().check(z.minimum(0)),
  skipped: z.int().check(z.minimum(0)),
  bytes: z.int().check(z.minimum(0)),
  createdAt: timestamp,
  url: z.exactOptional(z.url()),
  expiresAt: z.exactOptional(timestamp),
  reason: z.exactOptional(z.string()),
});

/** Every error our functions answer: `field` names the request field it is about, when there is one. */
export const errorResponseSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), field: z.optional(z.string()) }),
});

/** What API Gateway itself answers (401 from the JWT authorizer, its own 404/413/500). */
export const gatewayErrorSchema = z.strictObject({ message: z.string() });

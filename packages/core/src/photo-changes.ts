import * as z from 'zod/mini';
import { DESCRIPTION_MAX_CHARS, MAX_BATCH_DELETE, TITLE_MAX_CHARS } from '#lib/limits';
import type { Photo } from '#lib/photos';
import { photoIdSchema, text, title } from '#lib/schemas';

/** PATCH /events/{eventId}/photos/{photoId}: the same text rules as initiate-upload. */
export const editPhotoSchema = z
  .strictObject({
    title: z.optional(title(TITLE_MAX_CHARS)),
    description: z.optional(text(DESCRIPTION_MAX_CHARS, { multiline: true })),
  })
  .check(
    z.meta({ minProperties: 1 }),
    z.refine((edit) => edit.title !== undefined || edit.description !== undefined, 'must change title or description'),
  );
export type EditPhotoRequest = z.infer<typeof editPhotoSchema>;

/** POST /events/{eventId}/photos/batch-delete */
export const batchDeleteSchema = z.strictObject({
  photoIds: z
    .array(photoIdSchema)
    .check(
      z.minLength(1, 'must list at least 1 photo id'),
      z.maxLength(MAX_BATCH_DELETE, `must list at most ${MAX_BATCH_DELETE} photo ids`),
    ),
});

export type DeleteStatus = 'deleted' | 'notFound' | 'forbidden';
export interface BatchDeleteResponse {
  results: { photoId: string; status: DeleteStatus }[];
}

/** A photo as the API returns it: the uploader by name only, and whether the caller uploaded it. */
export type PhotoView = Omit<Photo, 'uploaderId' | 'objectKeys'> & { mine: boolean };

/** Shown for records written before uploads recorded a name. */
export const UNKNOWN_UPLOADER_NAME = 'Unknown';

/** Hides the uploader's `sub` and the internal object keys from what a caller sees. */
export function photoView<T extends { uploaderId: string; uploaderName?: string; objectKeys?: string[] }>(
  { uploaderId, objectKeys: _keys, ...photo }: T,
  callerId: string,
): Omit<T, 'uploaderId' | 'objectKeys'> & { uploaderName: string; mine: boolean } {
  return { ...photo, uploaderName: photo.uploaderName ?? UNKNOWN_UPLOADER_NAME, mine: uploaderId === callerId };
}

/** Only the uploader, or the organizer who created the event, may edit or delete a photo. */
export function mayChangePhoto(callerId: string, photo: { uploaderId: string }, event: { organizerId?: string }): boolean {
  return callerId === photo.uploaderId || (event.organizerId !== undefined && callerId === event.organizerId);
}

import * as z from 'zod/mini';
import { DESCRIPTION_MAX_CHARS, MAX_BATCH_DELETE, TITLE_MAX_CHARS } from '#lib/limits';
import { photoIdSchema, text, title } from '#lib/schemas';

// Changing photos: editing their text, deleting them, and who may.

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

/**
 * Who asks: their id, and whether the organizers group holds them now. Asked only when it decides
 * (the caller created the event): the handlers ask Cognito, not the token, so that a removal from
 * the group takes effect at once. Who may change a photo: members.ts (mayChangePhotoOf).
 */
export interface Caller {
  id: string;
  inOrganizersGroup: () => Promise<boolean>;
}

/** The event's organizer: the user who created it, while the organizers group still holds them. */
export async function organizes(caller: Caller, event: { organizerId?: string }): Promise<boolean> {
  return event.organizerId !== undefined && caller.id === event.organizerId && (await caller.inOrganizersGroup());
}

import * as z from 'zod/mini';
import { DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS } from '#lib/limits';
import { eventIdSchema, pageQueryFields, text, title } from '#lib/schemas';
import { uploadQuotasSchema, type UploadQuotas } from '#lib/upload-quotas';

// Events: the record kept of one, its requests, and what the API shows of it.

export interface PhotoEvent {
  eventId: string;
  name: string;
  /** The Cognito `sub` of the organizer who created the event (it may edit and delete its photos). */
  organizerId?: string;
  description?: string;
  /** Whether uploads are accepted; events stored before this field existed are open. */
  open?: boolean;
  /** What the organizer set of DEFAULT_UPLOAD_QUOTAS (a PATCH replaces it as a whole). */
  quotas?: z.output<typeof uploadQuotasSchema>;
  createdAt: string;
}

export const createEventSchema = z.strictObject({
  eventId: eventIdSchema,
  name: title(TITLE_MAX_CHARS),
  description: z._default(text(DESCRIPTION_MAX_CHARS, { multiline: true }), ''),
});

/** PATCH /events/{eventId}: any of the fields, at least one. */
export const updateEventSchema = z
  .strictObject({
    name: z.optional(title(TITLE_MAX_CHARS)),
    description: z.optional(text(DESCRIPTION_MAX_CHARS, { multiline: true })),
    open: z.optional(z.boolean({ error: 'must be true or false' })),
    quotas: z.optional(uploadQuotasSchema),
  })
  .check(
    z.meta({ minProperties: 1 }),
    z.refine((fields) => Object.keys(fields).length > 0, 'must set at least one of name, description, open, quotas'),
  );
export type UpdateEventRequest = z.infer<typeof updateEventSchema>;

/** GET /events: newest first, paged by `cursor`. */
export const listEventsQuerySchema = z.strictObject(pageQueryFields);

/**
 * An event as the API shows it. `mine` says whether the caller organizes it: clients need only
 * that (to offer editing), not the organizer's user id.
 */
export interface EventView {
  eventId: string;
  name: string;
  description: string;
  open: boolean;
  createdAt: string;
  mine: boolean;
  /** The upload quotas in force: the defaults, with what the organizer set. */
  quotas: UploadQuotas;
}

export interface EventDetails extends EventView {
  /** Processed photos only (not pending or rejected uploads). */
  photoCount: number;
  /** What the caller may do in the event: its organizer everything, a member what their invites gave. */
  rights: { upload: boolean; viewOthers: boolean; downloadOriginals: boolean };
}

export interface EventPage {
  items: EventView[];
  nextCursor: string | null;
}

// What each route of serverless.yml takes and answers, by the schemas the handlers use.
// The OpenAPI document joins this table with the routes serverless.yml declares; a route on one
// side only fails the generation.
import type * as z from 'zod/mini';
import { batchDeleteSchema, editPhotoSchema } from '#lib/photo-changes';
import { createEventSchema, listEventsQuerySchema, updateEventSchema } from '#lib/events';
import { initiateUploadSchema, listPhotosQuerySchema } from '#lib/photos';
import { createInviteSchema, joinEventSchema, listMembersQuerySchema } from '#lib/members';
import type * as responses from '#lib/api-responses';

/** Response bodies by name (the document's components); null: no body (204). */
export type ResponseName = Exclude<keyof typeof responses, 'errorResponseSchema' | 'gatewayErrorSchema'>;
export type ErrorStatus = 400 | 403 | 404 | 409 | 415 | 429;

export interface RouteSpec {
  summary: string;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  success: { status: 200 | 201 | 202 | 204; schema: ResponseName | null; description: string };
  /** Another success answer of the route, with another status (initiate-upload's duplicate). */
  alternative?: { status: 200 | 201; schema: ResponseName; description: string };
  /** Every route also answers 400 (a bad path or query parameter) and 401 (the gateway). */
  errors: Partial<Record<ErrorStatus, string>>;
}

const bodyErrors = {
  400: 'A field or the JSON body is invalid, or there is none (`field` names it)',
  415: 'The body is not sent as application/json (code UnsupportedMediaType, `field`: content-type)',
} as const;
const noEvent = 'Unknown event, or one the caller neither organizes nor is a member of (`field`: eventId)';
const noPhoto = 'Unknown event or photo, or one the caller may not see (`field` names which)';
const organizerOnly = 'A member, not the organizer';

export function apiRoutes({ maxUploadBytes }: { maxUploadBytes: number }): Record<string, RouteSpec> {
  return {
    'POST /events/{eventId}/photos/initiate-upload': {
      summary: 'Records a pending upload and answers a presigned S3 PUT URL for it',
      body: initiateUploadSchema(maxUploadBytes),
      success: {
        status: 201,
        schema: 'initiateUploadResponseSchema',
        description: 'PUT the bytes to s3PutObjectUrl with exactly these headers',
      },
      alternative: {
        status: 200,
        schema: 'duplicateUploadResponseSchema',
        description: 'The event already holds a photo with the declared sha256: nothing to upload',
      },
      errors: {
        ...bodyErrors,
        403: 'A member whose invite does not allow uploads',
        404: noEvent,
        409: 'The event is closed to uploads (code EventClosed)',
        429: "Over the caller's or the event's upload quota for this hour (code QuotaExceeded); Retry-After says when the hour ends",
      },
    },
    'GET /events/{eventId}/photos': {
      summary: 'Lists the processed photos of an event, newest first',
      query: listPhotosQuerySchema,
      success: { status: 200, schema: 'photoPageSchema', description: 'A page; pass nextCursor as cursor for the next one' },
      errors: { 404: noEvent },
    },
    'GET /events/{eventId}/photos/{photoId}': {
      summary: 'One photo: processed (ready), or its upload while pending or once rejected',
      success: { status: 200, schema: 'photoStatusSchema', description: 'The photo or its upload, by status' },
      errors: { 404: noPhoto },
    },
    'GET /events/{eventId}/photos/{photoId}/original': {
      summary:
        "A 5-minute download of a photo's untouched original, location and device details included (its uploader or the event's organizer)",
      success: { status: 200, schema: 'originalDownloadSchema', description: 'A presigned GET of the original, and when it expires' },
      errors: { 403: 'Neither the uploader nor the organizer', 404: noPhoto },
    },
    'PATCH /events/{eventId}/photos/{photoId}': {
      summary: "Changes a photo's title or description (its uploader or the event's organizer)",
      body: editPhotoSchema,
      success: { status: 200, schema: 'readyPhotoSchema', description: 'The changed photo' },
      errors: { ...bodyErrors, 403: 'Neither the uploader nor the organizer', 404: noPhoto, 409: 'Not processed yet' },
    },
    'DELETE /events/{eventId}/photos/{photoId}': {
      summary: 'Deletes a photo, its record and every object (its uploader or the event organizer)',
      success: { status: 204, schema: null, description: 'Deleted (also when it already was)' },
      errors: { 403: 'Neither the uploader nor the organizer', 404: noPhoto },
    },
    'POST /events/{eventId}/photos/batch-delete': {
      summary: 'Deletes up to 100 photos of an event, each as DELETE does',
      body: batchDeleteSchema,
      success: { status: 200, schema: 'batchDeleteResponseSchema', description: 'One result per distinct photo id' },
      errors: { ...bodyErrors, 404: noEvent },
    },
    'POST /events': {
      summary: 'Creates an event (members of the organizers group only)',
      body: createEventSchema,
      success: { status: 201, schema: 'eventViewSchema', description: 'The event' },
      errors: { ...bodyErrors, 403: 'Not in the organizers group', 409: 'The event exists (`field`: eventId)' },
    },
    'GET /events': {
      summary: 'Lists the events the caller organizes or is a member of, newest first',
      query: listEventsQuerySchema,
      success: { status: 200, schema: 'eventPageSchema', description: 'A page; pass nextCursor as cursor for the next one' },
      errors: {},
    },
    'GET /events/{eventId}': {
      summary: 'One event with its count of processed photos',
      success: { status: 200, schema: 'eventDetailsSchema', description: 'The event' },
      errors: { 404: noEvent },
    },
    'PATCH /events/{eventId}': {
      summary: "Changes an event's name, description, open state or upload quotas (its organizer only)",
      body: updateEventSchema,
      success: { status: 200, schema: 'eventViewSchema', description: 'The changed event' },
      errors: { ...bodyErrors, 403: organizerOnly, 404: noEvent },
    },
    'POST /events/{eventId}/invites': {
      summary: 'Creates an invite: a share link whose code lets a signed-in user join the event (its organizer only)',
      body: createInviteSchema,
      success: { status: 201, schema: 'createdInviteSchema', description: 'The invite, with its code and link: shown this once' },
      errors: { ...bodyErrors, 403: organizerOnly, 404: noEvent },
    },
    'GET /events/{eventId}/invites': {
      summary: "Lists the event's invites, revoked ones included, without their codes (its organizer only)",
      success: { status: 200, schema: 'inviteListSchema', description: 'Every invite, newest first' },
      errors: { 403: organizerOnly, 404: noEvent },
    },
    'DELETE /events/{eventId}/invites/{inviteId}': {
      summary: 'Revokes an invite: joining with its code fails from then on (its organizer only)',
      success: { status: 204, schema: null, description: 'Revoked (also when it already was)' },
      errors: { 403: organizerOnly, 404: 'Unknown event or invite (`field` names which)' },
    },
    'POST /events/{eventId}/members': {
      summary: "Joins the event with an invite's code (any signed-in user)",
      body: joinEventSchema,
      success: { status: 201, schema: 'joinedEventSchema', description: 'Joined' },
      alternative: {
        status: 200,
        schema: 'joinedEventSchema',
        description: 'Already a member: with the rights of both invites',
      },
      errors: {
        ...bodyErrors,
        404: 'Unknown event, or a wrong, revoked or expired code: the same answer for each',
        429: 'Too many join attempts (code TooManyRequests); Retry-After says when to try again',
      },
    },
    'GET /events/{eventId}/members': {
      summary: "Lists the event's members, with their photo counts (its organizer only)",
      query: listMembersQuerySchema,
      success: { status: 200, schema: 'memberPageSchema', description: 'A page; pass nextCursor as cursor for the next one' },
      errors: { 403: organizerOnly, 404: noEvent },
    },
    'DELETE /events/{eventId}/members/{memberId}': {
      summary: 'Removes a member: their next request about the event answers 404 (its organizer only)',
      success: { status: 204, schema: null, description: 'Removed' },
      errors: { 403: organizerOnly, 404: 'Unknown event or member (`field` names which)' },
    },
    'POST /events/{eventId}/exports': {
      summary:
        'Starts a zip of every photo of the event the caller may see (the organizer, and members whose invite allows downloading originals)',
      success: {
        status: 202,
        schema: 'createdExportSchema',
        description: 'The export, being made; GET it for its progress and download. The one still running when the caller has one',
      },
      errors: { 403: 'A member whose invite does not allow downloading originals', 404: noEvent },
    },
    'GET /events/{eventId}/exports/{exportId}': {
      summary: "How far the caller's export is; once ready, a presigned GET of its zip (an hour at most)",
      success: {
        status: 200,
        schema: 'exportViewSchema',
        description: 'The export: running, ready (with url and expiresAt) or failed (with reason)',
      },
      errors: {
        403: 'A member whose invite does not allow downloading originals',
        404: "Unknown event, or unknown export or another caller's (`field` names which)",
      },
    },
  };
}

// What each route of serverless.yml takes and answers, by the schemas the handlers use.
// The OpenAPI document joins this table with the routes serverless.yml declares; a route on one
// side only fails the generation.
import type * as z from 'zod/mini';
import { batchDeleteSchema, editPhotoSchema } from '#lib/photo-changes';
import { createEventSchema, listEventsQuerySchema, updateEventSchema } from '#lib/events';
import { initiateUploadSchema, listPhotosQuerySchema } from '#lib/photos';
import type * as responses from '#lib/api-responses';

/** Response bodies by name (the document's components); null: no body (204). */
export type ResponseName = Exclude<keyof typeof responses, 'errorResponseSchema' | 'gatewayErrorSchema'>;
export type ErrorStatus = 400 | 403 | 404 | 409 | 415 | 429;

export interface RouteSpec {
  summary: string;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  success: { status: 200 | 201 | 204; schema: ResponseName | null; description: string };
  /** Another success answer of the route, with another status (initiate-upload's duplicate). */
  alternative?: { status: 200 | 201; schema: ResponseName; description: string };
  /** Every route also answers 400 (a bad path or query parameter) and 401 (the gateway). */
  errors: Partial<Record<ErrorStatus, string>>;
}

const bodyErrors = {
  400: 'A field or the JSON body is invalid, or there is none (`field` names it)',
  415: 'The body is not sent as application/json (code UnsupportedMediaType, `field`: content-type)',
} as const;
const noEvent = 'Unknown event (`field`: eventId)';
const noPhoto = 'Unknown event or photo (`field` names which)';

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
      summary: 'Lists every event, newest first',
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
      errors: { ...bodyErrors, 403: 'Not the organizer of the event', 404: noEvent },
    },
  };
}

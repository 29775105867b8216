import type { CreatedExport, EventDetails, EventPage, EventView, ExportView, UploadQuotas } from '@event-photos/core';
import { createApiRequest, type ApiRequestOptions } from '#lib/api-request';

export interface NewEvent {
  /** 1-64 letters, digits, "-" or "_": part of the share link. */
  eventId: string;
  name: string;
  description?: string;
}

export interface EventChanges {
  name?: string;
  description?: string;
  /** false closes the event to uploads; true opens it again. */
  open?: boolean;
  /** Any of the upload quotas, raised or lowered (the others keep their values). */
  quotas?: Partial<UploadQuotas>;
}

export interface EventsClient {
  /** GET /events: one page, newest first. */
  listEvents(options?: { limit?: number; cursor?: string | null; signal?: AbortSignal }): Promise<EventPage>;
  /** Every event, newest first, a page at a time as the loop asks for more. */
  events(options?: { limit?: number; signal?: AbortSignal }): AsyncGenerator<EventView, void, undefined>;
  /** GET /events/{eventId}, with its photo count. */
  getEvent(eventId: string, options?: { signal?: AbortSignal }): Promise<EventDetails>;
  /** POST /events (group `organizers` only); 409 when the id is taken. */
  createEvent(event: NewEvent, options?: { signal?: AbortSignal }): Promise<EventView>;
  /** PATCH /events/{eventId} (its organizer only). */
  updateEvent(eventId: string, changes: EventChanges, options?: { signal?: AbortSignal }): Promise<EventView>;
  /**
   * POST /events/{eventId}/exports: starts a zip of every photo the caller may see (the organizer,
   * and members whose invite allows downloading originals; others 403); the caller's export still
   * running when there is one.
   */
  createExport(eventId: string, options?: { signal?: AbortSignal }): Promise<CreatedExport>;
  /** GET /events/{eventId}/exports/{exportId}: running, ready (`url` to download until `expiresAt`) or failed (`reason`). */
  getExport(eventId: string, exportId: string, options?: { signal?: AbortSignal }): Promise<ExportView>;
}

export function createEventsClient(options: ApiRequestOptions): EventsClient {
  const request = createApiRequest(options);
  const eventPath = (eventId: string) => `/events/${encodeURIComponent(eventId)}`;
  const client: EventsClient = {
    listEvents({ limit, cursor, signal } = {}) {
      return request('GET', '/events', { query: { limit, cursor }, signal });
    },
    async *events({ limit, signal } = {}) {
      let cursor: string | null = null;
      do {
        const page: EventPage = await client.listEvents({ ...(limit ? { limit } : {}), cursor, ...(signal ? { signal } : {}) });
        yield* page.items;
        cursor = page.nextCursor;
      } while (cursor);
    },
    getEvent(eventId, { signal } = {}) {
      return request('GET', eventPath(eventId), { signal });
    },
    createEvent(event, { signal } = {}) {
      return request('POST', '/events', { body: event, signal });
    },
    updateEvent(eventId, changes, { signal } = {}) {
      return request('PATCH', eventPath(eventId), { body: changes, signal });
    },
    createExport(eventId, { signal } = {}) {
      return request('POST', `${eventPath(eventId)}/exports`, { signal });
    },
    getExport(eventId, exportId, { signal } = {}) {
      return request('GET', `${eventPath(eventId)}/exports/${encodeURIComponent(exportId)}`, { signal });
    },
  };
  return client;
}

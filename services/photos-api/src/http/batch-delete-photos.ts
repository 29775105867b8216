import { NotFoundError, batchDeleteSchema, parseOrThrow, type BatchDeleteResponse } from '@event-photos/core';
import { deletePhoto } from '#lib/delete-photo';
import { photos } from '#lib/photo-store';
import { claims } from '#lib/content-claim-store';
import { objects } from '#lib/object-store';
import type { Stores } from '#lib/stores';
import { callerId, pathEventId } from '#lib/http';
import { jsonBodyHandler } from '#lib/json-body';

/** Deletes run this many at a time: 100 in one go would burst the table and the bucket. */
const CONCURRENCY = 10;

/**
 * POST /events/{eventId}/photos/batch-delete `{ photoIds }` (1-100): each photo as DELETE would,
 * one result per distinct id: `deleted` (also when it already was), `notFound` or `forbidden`.
 */
export const createHandler = (stores: Stores) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const caller = callerId(event);
    const { photoIds } = parseOrThrow(batchDeleteSchema, requestBody);
    const photoEvent = await stores.photos.getEvent(eventId);
    if (!photoEvent) throw new NotFoundError(`Event ${eventId} does not exist`, 'eventId');

    const pending = [...new Set(photoIds)];
    const results: BatchDeleteResponse['results'] = [];
    while (pending.length > 0) {
      const chunk = pending.splice(0, CONCURRENCY);
      const statuses = await Promise.all(chunk.map((photoId) => deletePhoto(stores, photoEvent, photoId, caller)));
      for (const [index, photoId] of chunk.entries()) results.push({ photoId, status: statuses[index]! });
    }
    const body: BatchDeleteResponse = { results };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, claims, objects });

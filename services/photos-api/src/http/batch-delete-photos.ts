import { batchDeleteSchema, parseOrThrow, type BatchDeleteResponse } from '@event-photos/core';
import pLimit from 'p-limit';
import { members } from '#lib/member-store';
import { photos } from '#lib/photo-store';
import { objects } from '#lib/object-store';
import type { Stores } from '#lib/stores';
import { callerOf, type GroupCheck } from '#lib/event-organizer';
import { eventAccess } from '#lib/event-access';
import { liveGroups } from '#lib/organizers-group';
import { pathEventId } from '#lib/http';
import { logger } from '#lib/logger';
import { jsonBodyHandler } from '#lib/json-body';
import { deletePhoto } from '#uploads/delete-photo';
import { systemClock } from '#uploads/lifecycle';

/** Deletes run this many at a time: 100 in one go would burst the table and the bucket. */
const CONCURRENCY = 10;

/**
 * POST /events/{eventId}/photos/batch-delete `{ photoIds }` (1-100): each photo as DELETE would,
 * one result per distinct id: `deleted` (also when it already was), `notFound` (also a photo the
 * caller may not see) or `forbidden`.
 */
export const createHandler = (stores: Stores, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(stores, eventId, caller);
    const { photoIds } = parseOrThrow(batchDeleteSchema, requestBody);

    const distinct = [...new Set(photoIds)];
    const limit = pLimit(CONCURRENCY);
    const statuses = await limit
      .map(distinct, (photoId) => deletePhoto({ ...stores, clock, logger }, { eventId, access, callerId: caller.id }, photoId))
      .catch((error: unknown) => {
        limit.clearQueue(); // a failed delete fails the request: none still waiting starts
        throw error;
      });
    const body: BatchDeleteResponse = { results: distinct.map((photoId, index) => ({ photoId, status: statuses[index]! })) };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members, objects });

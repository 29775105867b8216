import { batchDeleteSchema, parseOrThrow, type BatchDeleteResponse, type CdnInvalidator } from '@event-photos/core';
import { cdn } from '#lib/cdn-invalidator';
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
import { deletePhotos } from '#uploads/delete-photo';
import { systemClock } from '#uploads/lifecycle';

/**
 * POST /events/{eventId}/photos/batch-delete `{ photoIds }` (1-100): each photo as DELETE would,
 * one result per distinct id: `deleted` (also when it already was), `notFound` (also a photo the
 * caller may not see) or `forbidden`. The CDN is asked once for every photo deleted.
 */
export const createHandler = (deps: Stores & { cdn: CdnInvalidator }, clock = systemClock, inGroup: GroupCheck = liveGroups) =>
  jsonBodyHandler(async (event, requestBody) => {
    const eventId = pathEventId(event);
    const caller = callerOf(event, inGroup);
    const { access } = await eventAccess(deps, eventId, caller);
    const { photoIds } = parseOrThrow(batchDeleteSchema, requestBody);

    const distinct = [...new Set(photoIds)];
    const statuses = await deletePhotos({ ...deps, clock, logger }, { eventId, access, callerId: caller.id }, distinct);
    const body: BatchDeleteResponse = { results: distinct.map((photoId, index) => ({ photoId, status: statuses[index]! })) };
    return { status: 200, body };
  });

export const handler = createHandler({ photos, members, objects, cdn });

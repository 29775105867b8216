import { createHash } from 'node:crypto';
import type { Invite, Membership } from '@event-photos/core';
import { eventPk, inviteSk, memberSk } from '#lib/table-keys';

// Who may see an event, in the event's partition (see membership-repository.ts):
//   pk EVENT#{eventId}  sk MEMBER#{memberId}   one user's access: `organizer: true` when they
//                                              created the event, the membership fields once they
//                                              joined; gsi1pk MEMBER#{userId}, gsi1sk {event's
//                                              createdAt}#{eventId}: the user's events, newest first
//   pk EVENT#{eventId}  sk INVITE#{inviteId}   an invite: its code's SHA-256, rights, expiry, revocation
// One item per user and event, so the organizer who also joins is listed once.

/** gsi1, the table's one global index: the events a user may see (gsi1pk MEMBER#{userId}). */
export const ACCESS_INDEX = 'gsi1';

/**
 * A member's id: the first 128 bits of SHA-256(eventId, userId). Stable for a user in an event, so
 * the per-request check reads the item by key from the user id, and the organizer removes by it;
 * it tells nothing of the user id (a random Cognito sub) and differs from event to event.
 */
export const memberIdOf = (eventId: string, userId: string) =>
  createHash('sha256').update(`${eventId}\u0000${userId}`).digest('hex').slice(0, 32);

/**
 * An invite's id: the first 128 bits of its code's SHA-256, so joining finds the invite by key from
 * the code alone (the condition then compares the whole hash). The code has 256 random bits:
 * neither the id nor the hash tells anything of it.
 */
export const inviteIdOf = (codeHash: string) => codeHash.slice(0, 32);

/** The key of a user's access item of an event. */
export const accessKey = (eventId: string, userId: string) => ({ pk: eventPk(eventId), sk: memberSk(memberIdOf(eventId, userId)) });

/** The partition of gsi1 that lists the user's events. */
export const accessIndexPk = (userId: string) => `MEMBER#${userId}`;

/** The keys that list the event among the user's (index gsi1, newest created first). */
export const accessIndexKeys = (userId: string, event: { eventId: string; createdAt: string }) => ({
  gsi1pk: accessIndexPk(userId),
  gsi1sk: `${event.createdAt}#${event.eventId}`,
});

/** The access item of an event's organizer, written with the event (PhotoRepository.createEvent). */
export const organizerAccessItem = (event: { eventId: string; createdAt: string }, organizerId: string) => ({
  ...accessKey(event.eventId, organizerId),
  ...accessIndexKeys(organizerId, event),
  eventId: event.eventId,
  userId: organizerId,
  organizer: true,
});

export const inviteKey = (eventId: string, inviteId: string) => ({ pk: eventPk(eventId), sk: inviteSk(inviteId) });

/** The attributes a membership adds to the access item (removed again when an organizer's membership ends). */
export const MEMBERSHIP_ATTRIBUTES = ['memberId', 'displayName', 'joinedAt', 'upload', 'viewOthers', 'downloadOriginals'] as const;

/** Whether an access item holds a membership (and not only its organizer's record). */
export const isMembership = (item: Record<string, unknown> | undefined) => typeof item?.['memberId'] === 'string';

export function membershipOfItem(item: Record<string, unknown>): Membership {
  const { eventId, memberId, userId, displayName, joinedAt, upload, viewOthers, downloadOriginals } = item as unknown as Membership;
  return { eventId, memberId, userId, displayName, joinedAt, upload, viewOthers, downloadOriginals };
}

/** The invite of an item, without its keys and code hash. */
export function inviteOfItem(item: Record<string, unknown>): Invite {
  const { eventId, inviteId, upload, viewOthers, downloadOriginals, expiresAt, createdAt, revokedAt } = item as unknown as Invite;
  return {
    eventId,
    inviteId,
    upload,
    viewOthers,
    downloadOriginals,
    expiresAt: expiresAt ?? null,
    createdAt,
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}

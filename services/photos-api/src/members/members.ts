import {
  JOIN_ATTEMPTS,
  type JoinedEvent,
  type MemberPage,
  type MembershipStore,
  type PageRequest,
  type PhotoStore,
  rightsOf,
  TooManyRequestsError,
} from '@event-photos/core';
import { eventNotFound } from '#lib/event-access';
import type { Clock } from '#uploads/lifecycle';
import { hashOfCode } from '#members/invites';

/**
 * Joins the event with an invite's code: 201 for a new member, 200 for one already (with the
 * rights of both invites). A wrong, revoked or expired code, and an unknown event, are the same
 * 404. Every attempt counts against the caller's limit first (JOIN_ATTEMPTS, across events), so
 * codes cannot be guessed: over it, 429 with the seconds until the window ends.
 */
export async function joinEvent(
  { members, clock }: { members: MembershipStore; clock: Clock },
  eventId: string,
  member: { userId: string; displayName: string },
  code: string,
): Promise<{ status: 200 | 201; body: JoinedEvent }> {
  const now = clock();
  const attempt = await members.countJoinAttempt(member.userId, JOIN_ATTEMPTS, now);
  if (!attempt.allowed) {
    const minutes = Math.ceil(attempt.retryAfterSeconds / 60);
    throw new TooManyRequestsError(
      `Too many attempts to join events; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      attempt.retryAfterSeconds,
    );
  }
  const joining = await members.join(eventId, hashOfCode(code), member, now);
  if (joining.outcome === 'invalid') throw eventNotFound(eventId);
  const { memberId } = joining.membership;
  return { status: joining.outcome === 'joined' ? 201 : 200, body: { eventId, memberId, ...rightsOf(joining.membership) } };
}

/** A page of the event's members, each with the photos they hold (their total: what the quotas count). */
export async function listMembers(
  { photos, members }: { photos: PhotoStore; members: MembershipStore },
  eventId: string,
  page: PageRequest,
): Promise<MemberPage> {
  const { items, nextCursor } = await members.listMembers(eventId, page);
  // Started together: one round trip (the store batches them).
  const totals = await Promise.all(items.map((membership) => photos.storedTotals(eventId, membership.userId)));
  return {
    items: items.map(({ memberId, displayName, joinedAt, ...rights }, index) => ({
      memberId,
      displayName,
      joinedAt,
      photoCount: totals[index]!.user.photos,
      ...rightsOf(rights),
    })),
    nextCursor,
  };
}

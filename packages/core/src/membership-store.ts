import type { PhotoEvent } from '#lib/events';
import type { Invite, Membership } from '#lib/members';
import type { Page, PageRequest } from '#lib/photo-store';

// The store of who may see an event (members.ts), an interface as PhotoStore is: the DynamoDB
// adapter in @event-photos/aws and the in-memory fake of @event-photos/testing/fakes implement it,
// and one contract suite (@event-photos/testing/contracts) runs against both. Every read is
// strongly consistent (a removed member is out at once), but listEventsOf's order, which comes
// from an index that may lag a second behind a join.

/** How joining ended: a new member, one who was already (with the rights of both invites now), or an invalid code. */
export type Joining =
  | { outcome: 'joined'; membership: Membership }
  | { outcome: 'alreadyMember'; membership: Membership }
  | { outcome: 'invalid' };

/** An event the user may see, and their membership of it (null: only as its recorded organizer). */
export interface EventOfUser {
  event: PhotoEvent;
  membership: Membership | null;
}

export type AttemptCount = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface MembershipStore {
  /** The user's membership of the event, if they joined it (its organizer is no member unless they joined too). */
  getMembership(eventId: string, userId: string): Promise<Membership | null>;

  /**
   * Records an invite whose code has the SHA-256 `codeHash` (hex); the store gives it its id. The
   * code itself is never stored.
   */
  createInvite(invite: Omit<Invite, 'inviteId' | 'revokedAt'>, codeHash: string): Promise<Invite>;
  /** Every invite of the event, revoked ones included, newest first. */
  listInvites(eventId: string): Promise<Invite[]>;
  /** Revokes an invite (a repeat keeps the first time); the invite as it is now, or null when there is none. */
  revokeInvite(eventId: string, inviteId: string, now: Date): Promise<Invite | null>;

  /**
   * Joins the event with the invite whose code hashes to `codeHash`, in one transaction that
   * checks the invite is there, not revoked and not expired at `now`. `invalid` when it is not,
   * or the event does not exist (no hint which). A member who joins again stays who they were
   * (memberId, name, joinedAt) and gains what the new invite gives (unionOfRights).
   */
  join(eventId: string, codeHash: string, member: { userId: string; displayName: string }, now: Date): Promise<Joining>;
  /** The event's members, a page at a time, in no particular order (a stable one). */
  listMembers(eventId: string, page: PageRequest): Promise<Page<Membership>>;
  /** Removes a member at once; false when there is none with that id. */
  removeMember(eventId: string, memberId: string): Promise<boolean>;

  /**
   * The events the user organizes (created: PhotoStore.createEvent records it) or is a member of,
   * newest created first, a page at a time; each with the membership, read consistently.
   */
  listEventsOf(userId: string, page: PageRequest): Promise<Page<EventOfUser>>;

  /**
   * Counts one join attempt of the user in the current window of `windowSeconds`, if fewer than
   * `attempts` were counted in it; otherwise refuses, with the seconds until the window ends.
   */
  countJoinAttempt(userId: string, limit: { attempts: number; windowSeconds: number }, now: Date): Promise<AttemptCount>;
}

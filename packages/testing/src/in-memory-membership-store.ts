import { createHash } from 'node:crypto';
import {
  inviteValid,
  rightsOf,
  timeWindow,
  unionOfRights,
  widens,
  type AttemptCount,
  type EventOfUser,
  type Invite,
  type Joining,
  type Membership,
  type MembershipStore,
  type Page,
  type PageRequest,
} from '@event-photos/core';
import { copy, pageOf, type InMemoryPhotoStore } from '#lib/in-memory-photo-store';

/**
 * MembershipStore in memory, over the events of an InMemoryPhotoStore (one table, as the adapters
 * share one). It keeps the promises of membership-store.ts (membership-store-contract.ts runs
 * against it and against the DynamoDB adapter); each method decides with no await between its
 * checks and its writes, atomic as the adapter's transactions are. Ids are made as the adapter
 * makes them (128 bits of a SHA-256), so they have the API's shape.
 */
export class InMemoryMembershipStore implements MembershipStore {
  /** By `eventId/userId`. */
  readonly #members = new Map<string, Membership>();
  /** By `eventId/inviteId`. */
  readonly #invites = new Map<string, { invite: Invite; codeHash: string }>();
  /** By `userId/window start`. */
  readonly #attempts = new Map<string, number>();

  constructor(private readonly photos: InMemoryPhotoStore) {}

  async getMembership(eventId: string, userId: string): Promise<Membership | null> {
    const membership = this.#members.get(`${eventId}/${userId}`);
    return membership ? copy(membership) : null;
  }

  async createInvite(invite: Omit<Invite, 'inviteId' | 'revokedAt'>, codeHash: string): Promise<Invite> {
    const created: Invite = { ...invite, inviteId: codeHash.slice(0, 32) };
    const id = `${invite.eventId}/${created.inviteId}`;
    if (this.#invites.has(id)) throw new Error(`Invite ${created.inviteId} already exists`);
    this.#invites.set(id, { invite: copy(created), codeHash });
    return copy(created);
  }

  async listInvites(eventId: string): Promise<Invite[]> {
    return [...this.#invites.values()]
      .map(({ invite }) => copy(invite))
      .filter((invite) => invite.eventId === eventId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.inviteId.localeCompare(b.inviteId));
  }

  async revokeInvite(eventId: string, inviteId: string, now: Date): Promise<Invite | null> {
    const stored = this.#invites.get(`${eventId}/${inviteId}`);
    if (!stored) return null;
    stored.invite = { ...stored.invite, revokedAt: stored.invite.revokedAt ?? now.toISOString() };
    return copy(stored.invite);
  }

  async join(eventId: string, codeHash: string, member: { userId: string; displayName: string }, now: Date): Promise<Joining> {
    const stored = this.#invites.get(`${eventId}/${codeHash.slice(0, 32)}`);
    if (!this.photos.storedEvent(eventId) || stored?.codeHash !== codeHash || !inviteValid(stored.invite, now))
      return { outcome: 'invalid' };
    const offered = rightsOf(stored.invite);
    const id = `${eventId}/${member.userId}`;
    const held = this.#members.get(id);
    if (held) {
      const membership = { ...held, ...unionOfRights(held, offered) };
      if (widens(held, offered)) this.#members.set(id, membership);
      return { outcome: 'alreadyMember', membership: copy(membership) };
    }
    const membership: Membership = {
      eventId,
      memberId: idOf(`${eventId}\u0000${member.userId}`),
      userId: member.userId,
      displayName: member.displayName,
      joinedAt: now.toISOString(),
      ...offered,
    };
    this.#members.set(id, membership);
    return { outcome: 'joined', membership: copy(membership) };
  }

  async listMembers(eventId: string, page: PageRequest): Promise<Page<Membership>> {
    const members = [...this.#members.values()].filter((membership) => membership.eventId === eventId);
    return pageOf('members', members, (membership) => membership.memberId, page);
  }

  async removeMember(eventId: string, memberId: string): Promise<boolean> {
    for (const [id, membership] of this.#members) {
      if (membership.eventId === eventId && membership.memberId === memberId) return this.#members.delete(id);
    }
    return false;
  }

  async listEventsOf(userId: string, page: PageRequest): Promise<Page<EventOfUser>> {
    const eventIds = new Set([
      ...this.photos.eventsCreatedBy(userId).map((event) => event.eventId),
      ...[...this.#members.values()].filter((membership) => membership.userId === userId).map((membership) => membership.eventId),
    ]);
    const entries = [...eventIds].map((eventId) => ({
      event: this.photos.storedEvent(eventId)!,
      membership: copy(this.#members.get(`${eventId}/${userId}`) ?? null),
    }));
    // The adapter's index order: `{createdAt}#{eventId}`, descending.
    return pageOf('events', entries, ({ event }) => `${event.createdAt}#${event.eventId}`, page);
  }

  async countJoinAttempt(
    userId: string,
    { attempts, windowSeconds }: { attempts: number; windowSeconds: number },
    now: Date,
  ): Promise<AttemptCount> {
    const { start, secondsLeft } = timeWindow(now, windowSeconds);
    const id = `${userId}/${start}`;
    const counted = this.#attempts.get(id) ?? 0;
    if (counted >= attempts) return { allowed: false, retryAfterSeconds: secondsLeft };
    this.#attempts.set(id, counted + 1);
    return { allowed: true };
  }
}

const idOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 32);

import { beforeEach, describe, expect, it } from 'vitest';
import type { Invite, InviteRights, MembershipStore, PhotoLister, PhotoStore } from '@event-photos/core';
import { eventRecord, photoRecord } from '#lib/store-records';
import { seedPhoto } from '#lib/seed-photos';
import { ALL_RIGHTS, inviteCode } from '#lib/seed-members';
import { GARBAGE_CURSORS, allPages, pageOf, refusedCursor } from '#lib/contract-helpers';

export interface MembershipStoreSubject {
  photos: PhotoStore;
  /** Lists the photos `photos` writes (for a cursor of another list). */
  listing: PhotoLister;
  /** Over the events `photos` writes. */
  members: MembershipStore;
}

const EVENT = 'summit-2026';
const OTHER_EVENT = 'other-event';
const ORGANIZER = 'organizer-sub';
const NOW = new Date('2026-05-01T10:00:00.000Z');
const LATER = new Date('2026-05-01T11:00:00.000Z');
const HEX_ID = /^[0-9a-f]{32}$/;
const DROP_BOX: InviteRights = { upload: true, viewOthers: false, downloadOriginals: false };
const VIEWER: InviteRights = { upload: false, viewOthers: true, downloadOriginals: false };
const ana = { userId: 'ana-sub', displayName: 'Ana' };
const ben = { userId: 'ben-sub', displayName: 'Ben' };

/**
 * What membership-store.ts promises, as one suite: run against the in-memory fake and against the
 * DynamoDB adapter on a local DynamoDB. `subject` gives empty stores for each test.
 */
export function membershipStoreContract(name: string, subject: () => Promise<MembershipStoreSubject>): void {
  describe(`${name}: the MembershipStore contract`, () => {
    let photos: PhotoStore;
    let listing: PhotoLister;
    let members: MembershipStore;
    beforeEach(async () => {
      ({ photos, listing, members } = await subject());
      for (const [eventId, createdAt] of [
        [EVENT, '2026-04-02T00:00:00.000Z'],
        [OTHER_EVENT, '2026-04-01T00:00:00.000Z'],
      ] as const) {
        await photos.createEvent(eventRecord({ eventId, organizerId: ORGANIZER, createdAt }));
      }
    });
    /** An invite of the event with `rights`, and its code's hash. */
    const invite = async (
      rights: InviteRights = ALL_RIGHTS,
      { eventId = EVENT, expiresAt = null, createdAt = NOW }: { eventId?: string; expiresAt?: string | null; createdAt?: Date } = {},
    ) => {
      const { codeHash } = inviteCode();
      const created = await members.createInvite({ eventId, ...rights, expiresAt, createdAt: createdAt.toISOString() }, codeHash);
      return { invite: created, codeHash };
    };
    const joinWith = async (rights: InviteRights, user = ana, eventId = EVENT) =>
      members.join(eventId, (await invite(rights, { eventId })).codeHash, user, NOW);

    describe('invites', () => {
      it('records an invite with an id of its own, lists it (no code, no hash) newest first, per event', async () => {
        const first = await invite(DROP_BOX, { createdAt: NOW });
        const second = await invite(VIEWER, { expiresAt: LATER.toISOString(), createdAt: LATER });
        await invite(ALL_RIGHTS, { eventId: OTHER_EVENT });
        expect(first.invite).toStrictEqual({
          eventId: EVENT,
          inviteId: expect.stringMatching(HEX_ID),
          ...DROP_BOX,
          expiresAt: null,
          createdAt: NOW.toISOString(),
        });
        expect(first.invite.inviteId).not.toBe(second.invite.inviteId);
        await expect(members.listInvites(EVENT)).resolves.toStrictEqual([second.invite, first.invite]);
        await expect(members.listInvites('unknown')).resolves.toStrictEqual([]);
      });

      it('revokes an invite once (a repeat keeps the first time); none that is not there', async () => {
        const { invite: created } = await invite();
        const revoked: Invite = { ...created, revokedAt: NOW.toISOString() };
        await expect(members.revokeInvite(EVENT, created.inviteId, NOW)).resolves.toStrictEqual(revoked);
        await expect(members.revokeInvite(EVENT, created.inviteId, LATER)).resolves.toStrictEqual(revoked);
        await expect(members.listInvites(EVENT)).resolves.toStrictEqual([revoked]);
        await expect(members.revokeInvite(OTHER_EVENT, created.inviteId, NOW)).resolves.toBeNull();
        await expect(members.revokeInvite(EVENT, '0'.repeat(32), NOW)).resolves.toBeNull();
      });
    });

    describe('joining', () => {
      it("makes a member with the invite's rights, the name given and the time, under an id of its own", async () => {
        const joined = await joinWith(DROP_BOX);
        const membership = { eventId: EVENT, memberId: expect.stringMatching(HEX_ID), ...ana, joinedAt: NOW.toISOString(), ...DROP_BOX };
        expect(joined).toStrictEqual({ outcome: 'joined', membership });
        await expect(members.getMembership(EVENT, ana.userId)).resolves.toStrictEqual(membership);
        await expect(members.getMembership(OTHER_EVENT, ana.userId)).resolves.toBeNull();
        await expect(members.getMembership(EVENT, ben.userId)).resolves.toBeNull();

        const elsewhere = await joinWith(DROP_BOX, ana, OTHER_EVENT);
        const other = await joinWith(DROP_BOX, ben);
        const ids = [joined, elsewhere, other].map((joining) => (joining.outcome === 'invalid' ? '' : joining.membership.memberId));
        expect(new Set(ids).size).toBe(3);
        expect(ids.join()).not.toContain(ana.userId);
      });

      it('refuses a wrong code, a code of another event, a revoked or an expired invite, and an unknown event, recording nothing', async () => {
        const valid = await invite();
        const ofOther = await invite(ALL_RIGHTS, { eventId: OTHER_EVENT });
        const revoked = await invite();
        await members.revokeInvite(EVENT, revoked.invite.inviteId, NOW);
        const expired = await invite(ALL_RIGHTS, { expiresAt: NOW.toISOString() });
        // The same first 128 bits as a valid invite's hash (its id), but another hash.
        const lookalike = `${valid.codeHash.slice(0, 32)}${'0'.repeat(32)}`;
        for (const [eventId, codeHash] of [
          [EVENT, inviteCode().codeHash],
          [EVENT, lookalike],
          [EVENT, ofOther.codeHash],
          [EVENT, revoked.codeHash],
          [EVENT, expired.codeHash],
          ['unknown', valid.codeHash],
        ] as const) {
          await expect(members.join(eventId, codeHash, ana, NOW), codeHash).resolves.toStrictEqual({ outcome: 'invalid' });
        }
        await expect(members.getMembership(EVENT, ana.userId)).resolves.toBeNull();
        await expect(members.listMembers(EVENT, { limit: 10 })).resolves.toStrictEqual({ items: [], nextCursor: null });
      });

      it('lets an invite work until it expires, and not after', async () => {
        const { codeHash } = await invite(ALL_RIGHTS, { expiresAt: LATER.toISOString() });
        await expect(members.join(EVENT, codeHash, ben, LATER)).resolves.toStrictEqual({ outcome: 'invalid' });
        expect((await members.join(EVENT, codeHash, ana, NOW)).outcome).toBe('joined');
      });

      it('keeps a member who joins again as they were, widened by what the new invite gives (never narrowed)', async () => {
        const first = await joinWith(DROP_BOX);
        if (first.outcome !== 'joined') throw new Error('not joined');
        const { memberId, joinedAt } = first.membership;
        const again = await members.join(EVENT, (await invite(DROP_BOX)).codeHash, { ...ana, displayName: 'Renamed' }, LATER);
        expect(again).toStrictEqual({ outcome: 'alreadyMember', membership: first.membership });

        const narrower = await joinWith({ upload: false, viewOthers: false, downloadOriginals: false });
        expect(narrower).toStrictEqual({ outcome: 'alreadyMember', membership: first.membership });

        const widened = { ...first.membership, upload: true, viewOthers: true, downloadOriginals: false };
        await expect(joinWith(VIEWER)).resolves.toStrictEqual({ outcome: 'alreadyMember', membership: widened });
        await expect(members.getMembership(EVENT, ana.userId)).resolves.toStrictEqual({ ...widened, memberId, joinedAt });
      });

      it('makes one member of concurrent joins of one user, whatever their invites', async () => {
        const codes = await Promise.all([DROP_BOX, VIEWER, DROP_BOX, VIEWER].map(async (rights) => (await invite(rights)).codeHash));
        const outcomes = await Promise.all(codes.map((codeHash) => members.join(EVENT, codeHash, ana, NOW)));
        expect(outcomes.filter(({ outcome }) => outcome === 'joined')).toHaveLength(1);
        expect(outcomes.filter(({ outcome }) => outcome === 'alreadyMember')).toHaveLength(3);
        expect((await members.listMembers(EVENT, { limit: 10 })).items).toHaveLength(1);
        await expect(members.getMembership(EVENT, ana.userId)).resolves.toMatchObject({ upload: true, viewOthers: true });
      });
    });

    describe('members', () => {
      it('lists every member once, page by page, without the organizer who did not join nor other events', async () => {
        const users = ['u1', 'u2', 'u3', 'u4', 'u5'].map((userId) => ({ userId, displayName: userId.toUpperCase() }));
        for (const user of users) await joinWith(DROP_BOX, user);
        await joinWith(DROP_BOX, ben, OTHER_EVENT);
        const pages = await allPages((page) => members.listMembers(EVENT, page), 2);
        expect(pages[0]).toHaveLength(2);
        expect(
          pages
            .flat()
            .map((membership) => membership.userId)
            .sort(),
        ).toStrictEqual(users.map((user) => user.userId));
        for (const cursor of GARBAGE_CURSORS) await refusedCursor(members.listMembers(EVENT, { limit: 1, cursor }));
      });

      it('removes a member at once: no membership, not listed, no event of theirs; they may join again, as the same member', async () => {
        const joined = await joinWith(ALL_RIGHTS);
        if (joined.outcome !== 'joined') throw new Error('not joined');
        await expect(members.removeMember(EVENT, joined.membership.memberId)).resolves.toBe(true);
        await expect(members.getMembership(EVENT, ana.userId)).resolves.toBeNull();
        await expect(members.listMembers(EVENT, { limit: 10 })).resolves.toStrictEqual({ items: [], nextCursor: null });
        expect((await members.listEventsOf(ana.userId, { limit: 10 })).items).toStrictEqual([]);
        await expect(members.removeMember(EVENT, joined.membership.memberId)).resolves.toBe(false);
        await expect(members.removeMember(OTHER_EVENT, joined.membership.memberId)).resolves.toBe(false);

        const again = await joinWith(DROP_BOX);
        expect(again).toMatchObject({ outcome: 'joined', membership: { memberId: joined.membership.memberId, ...DROP_BOX } });
      });

      it('records the organizer with the event, as no member until they join; removing their membership keeps the event theirs', async () => {
        await expect(members.getMembership(EVENT, ORGANIZER)).resolves.toBeNull();
        expect((await members.listMembers(EVENT, { limit: 10 })).items).toStrictEqual([]);
        const joined = await joinWith(DROP_BOX, { userId: ORGANIZER, displayName: 'Org' });
        if (joined.outcome !== 'joined') throw new Error('not joined');
        const listed = await members.listEventsOf(ORGANIZER, { limit: 10 });
        expect(listed.items.map(({ event, membership }) => [event.eventId, membership?.memberId ?? null])).toStrictEqual([
          [EVENT, joined.membership.memberId],
          [OTHER_EVENT, null],
        ]);
        await expect(members.removeMember(EVENT, joined.membership.memberId)).resolves.toBe(true);
        await expect(members.getMembership(EVENT, ORGANIZER)).resolves.toBeNull();
        expect(
          (await members.listEventsOf(ORGANIZER, { limit: 10 })).items.map(({ event, membership }) => [event.eventId, membership]),
        ).toStrictEqual([
          [EVENT, null],
          [OTHER_EVENT, null],
        ]);
      });
    });

    describe("a user's events", () => {
      it('lists the events a user created or joined, newest created first, page by page, each with the membership', async () => {
        const created = ['2026-05-03', '2026-05-01', '2026-05-02'].map((day, n) =>
          eventRecord({ eventId: `event-${n}`, organizerId: ORGANIZER, createdAt: `${day}T00:00:00.000Z` }),
        );
        for (const event of created) await photos.createEvent(event);
        await photos.createEvent(
          eventRecord({ eventId: 'someone-elses', organizerId: 'someone-else', createdAt: '2026-06-01T00:00:00.000Z' }),
        );
        await photos.createEvent(eventRecord({ eventId: 'without-organizer', organizerId: undefined }));
        const pages = await allPages((page) => members.listEventsOf(ORGANIZER, page), 2);
        expect(pages[0]).toHaveLength(2);
        expect(pages.flat().map(({ event }) => event.eventId)).toStrictEqual(['event-0', 'event-2', 'event-1', EVENT, OTHER_EVENT]);
        expect(pages.flat()[0]).toStrictEqual({ event: created[0], membership: null });

        const joined = await joinWith(VIEWER, ana, 'event-2');
        if (joined.outcome !== 'joined') throw new Error('not joined');
        await expect(members.listEventsOf(ana.userId, { limit: 10 })).resolves.toStrictEqual({
          items: [{ event: created[2], membership: joined.membership }],
          nextCursor: null,
        });
        await expect(members.listEventsOf('nobody', { limit: 10 })).resolves.toStrictEqual({ items: [], nextCursor: null });
      });

      it('refuses a cursor it did not make, or one of the photo or member lists; the others refuse its cursors', async () => {
        for (const cursor of GARBAGE_CURSORS) await refusedCursor(members.listEventsOf(ORGANIZER, { limit: 1, cursor }));
        for (const user of [ana, ben]) await joinWith(DROP_BOX, user);
        const memberCursor = (await members.listMembers(EVENT, { limit: 1 })).nextCursor!;
        const eventCursor = (await members.listEventsOf(ORGANIZER, { limit: 1 })).nextCursor!;
        for (const n of [1, 2])
          await seedPhoto(
            photos,
            photoRecord({ eventId: EVENT, photoId: `01890a5d-ac96-774b-bcce-00000000000${n}`, sha256: String(n).repeat(64) }),
          );
        const photoCursor = pageOf(await listing.listPhotos(EVENT, { limit: 1 })).nextCursor!;
        for (const cursor of [memberCursor, eventCursor, photoCursor]) expect(cursor).toEqual(expect.any(String));
        await refusedCursor(members.listEventsOf(ORGANIZER, { limit: 1, cursor: memberCursor }));
        await refusedCursor(members.listEventsOf(ORGANIZER, { limit: 1, cursor: photoCursor }));
        await refusedCursor(members.listMembers(EVENT, { limit: 1, cursor: eventCursor }));
        await refusedCursor(members.listMembers(EVENT, { limit: 1, cursor: photoCursor }));
        await refusedCursor(listing.listPhotos(EVENT, { limit: 1, cursor: eventCursor }));
        await refusedCursor(listing.listPhotos(EVENT, { limit: 1, cursor: memberCursor }));
      });
    });

    describe('join attempts', () => {
      const limit = { attempts: 3, windowSeconds: 900 };
      it("counts a user's attempts per window, refuses one over with the seconds until the window ends, and starts again in the next", async () => {
        const start = new Date('2026-05-01T10:00:00.000Z');
        const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
        for (const seconds of [0, 60, 120])
          await expect(members.countJoinAttempt(ana.userId, limit, at(seconds))).resolves.toStrictEqual({ allowed: true });
        await expect(members.countJoinAttempt(ana.userId, limit, at(300))).resolves.toStrictEqual({
          allowed: false,
          retryAfterSeconds: 600,
        });
        await expect(members.countJoinAttempt(ana.userId, limit, at(899.5))).resolves.toStrictEqual({
          allowed: false,
          retryAfterSeconds: 1,
        });
        await expect(members.countJoinAttempt(ben.userId, limit, at(300))).resolves.toStrictEqual({ allowed: true });
        await expect(members.countJoinAttempt(ana.userId, limit, at(900))).resolves.toStrictEqual({ allowed: true });
      });

      it('lets exactly `attempts` of concurrent attempts through', async () => {
        const answers = await Promise.all(Array.from({ length: 8 }, () => members.countJoinAttempt(ana.userId, limit, NOW)));
        expect(answers.filter((answer) => answer.allowed)).toHaveLength(3);
      });
    });
  });
}

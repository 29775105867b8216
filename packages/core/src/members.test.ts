import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '#lib/validation';
import {
  accessTo,
  createInviteSchema,
  inviteValid,
  joinEventSchema,
  mayChangePhotoOf,
  mayManage,
  maySeePhotoOf,
  mayUpload,
  seesOthers,
  unionOfRights,
  widens,
  type EventAccess,
  type Membership,
} from '#lib/members';

const caller = (id: string, inGroup: boolean) => ({ id, inOrganizersGroup: async () => inGroup });
const event = { eventId: 'summit', name: 'Summit', organizerId: 'org', createdAt: '2026-05-01T00:00:00.000Z' };
const membership = (rights: Partial<Membership> = {}): Membership => ({
  eventId: 'summit',
  memberId: 'a'.repeat(32),
  userId: 'member',
  displayName: 'Ana',
  joinedAt: '2026-05-01T00:00:00.000Z',
  upload: true,
  viewOthers: true,
  downloadOriginals: false,
  ...rights,
});
const member = (rights: Partial<Membership> = {}): EventAccess => ({ kind: 'member', membership: membership(rights) });
const ORGANIZER: EventAccess = { kind: 'organizer' };

describe('accessTo', () => {
  it('makes the creator the organizer while the organizers group holds them', async () => {
    await expect(accessTo(caller('org', true), event, null)).resolves.toEqual(ORGANIZER);
    await expect(accessTo(caller('org', true), event, membership({ userId: 'org' }))).resolves.toEqual(ORGANIZER);
  });

  it('makes a creator the group no longer holds nobody, or the member they joined as', async () => {
    await expect(accessTo(caller('org', false), event, null)).resolves.toBeNull();
    await expect(accessTo(caller('org', false), event, membership({ userId: 'org' }))).resolves.toEqual(member({ userId: 'org' }));
  });

  it('makes a member a member and anyone else nobody, whatever their groups, asking about the group only for the creator', async () => {
    const asked = (id: string) => ({ id, inOrganizersGroup: async () => expect.fail('asked') });
    await expect(accessTo(asked('member'), event, membership())).resolves.toEqual(member());
    await expect(accessTo(asked('stranger'), event, null)).resolves.toBeNull();
    const { organizerId: _organizer, ...withoutOrganizer } = event;
    await expect(accessTo(caller('stranger', true), withoutOrganizer, null)).resolves.toBeNull();
  });
});

describe('the rules of an access', () => {
  it('lets the organizer do everything', () => {
    expect([mayUpload(ORGANIZER), seesOthers(ORGANIZER), mayManage(ORGANIZER), maySeePhotoOf(ORGANIZER, 'org', 'x')]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(mayChangePhotoOf(ORGANIZER, 'org', 'someone')).toBe(true);
  });

  it("gives a member what their invite gives, never the event's management", () => {
    expect(mayUpload(member({ upload: false }))).toBe(false);
    expect(mayUpload(member({ upload: true }))).toBe(true);
    expect(mayManage(member())).toBe(false);
    const dropBox = member({ viewOthers: false });
    expect([seesOthers(dropBox), maySeePhotoOf(dropBox, 'member', 'member'), maySeePhotoOf(dropBox, 'member', 'other')]).toEqual([
      false,
      true,
      false,
    ]);
    expect(maySeePhotoOf(member({ viewOthers: true }), 'member', 'other')).toBe(true);
    expect([mayChangePhotoOf(member(), 'member', 'member'), mayChangePhotoOf(member(), 'member', 'other')]).toEqual([true, false]);
  });
});

describe('joining again', () => {
  const none = { upload: false, viewOthers: false, downloadOriginals: false };
  it('widens, never narrows', () => {
    const held = { upload: true, viewOthers: false, downloadOriginals: false };
    expect(unionOfRights(held, { upload: false, viewOthers: true, downloadOriginals: false })).toEqual({ ...held, viewOthers: true });
    expect(unionOfRights(held, none)).toEqual(held);
    expect([widens(held, none), widens(held, held), widens(held, { ...none, downloadOriginals: true })]).toEqual([false, false, true]);
  });

  it('takes an invite valid until it is revoked or its expiry is reached', () => {
    const now = new Date('2026-05-01T10:00:00.000Z');
    expect(inviteValid({ expiresAt: null }, now)).toBe(true);
    expect(inviteValid({ expiresAt: '2026-05-01T10:00:00.001Z' }, now)).toBe(true);
    expect(inviteValid({ expiresAt: '2026-05-01T10:00:00.000Z' }, now)).toBe(false);
    expect(inviteValid({ expiresAt: null, revokedAt: '2026-05-01T09:00:00.000Z' }, now)).toBe(false);
  });
});

describe('requests', () => {
  /** Expects parsing `body` to fail on `field`. */
  const refuses = (schema: Parameters<typeof parseOrThrow>[0], body: unknown, field: string) =>
    expect(() => parseOrThrow(schema, body)).toThrow(expect.objectContaining({ field }));

  it('takes an invite with its three rights and an optional expiry (an offset or Z)', () => {
    const rights = { upload: true, viewOthers: false, downloadOriginals: false };
    expect(parseOrThrow(createInviteSchema, rights)).toEqual({ ...rights, expiresAt: null });
    expect(parseOrThrow(createInviteSchema, { ...rights, expiresAt: '2026-06-01T18:00:00+02:00' }).expiresAt).toBe(
      '2026-06-01T18:00:00+02:00',
    );
    refuses(createInviteSchema, { upload: true, viewOthers: false }, 'downloadOriginals');
    refuses(createInviteSchema, { ...rights, upload: 'yes' }, 'upload');
    refuses(createInviteSchema, { ...rights, expiresAt: 'tomorrow' }, 'expiresAt');
    refuses(createInviteSchema, { ...rights, admin: true }, 'admin');
  });

  it('takes a join with a code only', () => {
    expect(parseOrThrow(joinEventSchema, { code: 'abc' })).toEqual({ code: 'abc' });
    refuses(joinEventSchema, { code: '' }, 'code');
    refuses(joinEventSchema, { code: 'x'.repeat(129) }, 'code');
    refuses(joinEventSchema, {}, 'code');
  });
});

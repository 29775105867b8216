import { createHash, randomBytes } from 'node:crypto';
import type { InviteRights, Membership, MembershipStore } from '@event-photos/core';

/** Every right: what the demo attendee has, and what tests give unless they test a right. */
export const ALL_RIGHTS: InviteRights = { upload: true, viewOthers: true, downloadOriginals: true };

/** A fresh invite code and the hash the store keeps of it, as create-invite makes them. */
export function inviteCode(): { code: string; codeHash: string } {
  const code = randomBytes(32).toString('base64url');
  return { code, codeHash: createHash('sha256').update(code).digest('hex') };
}

/**
 * Makes `userId` a member of the event (in the fake or an adapter) the way people get there: an
 * invite with `rights` is created, and they join with its code. Throws when the store refuses.
 */
export async function seedMember(
  members: MembershipStore,
  eventId: string,
  userId: string,
  { rights = ALL_RIGHTS, displayName = 'member', now = new Date() }: { rights?: InviteRights; displayName?: string; now?: Date } = {},
): Promise<Membership> {
  const { codeHash } = inviteCode();
  await members.createInvite({ eventId, ...rights, expiresAt: null, createdAt: now.toISOString() }, codeHash);
  const joining = await members.join(eventId, codeHash, { userId, displayName }, now);
  if (joining.outcome === 'invalid') throw new Error(`seedMember: ${userId} could not join ${eventId}`);
  return joining.membership;
}

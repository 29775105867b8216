import { createHash, randomBytes } from 'node:crypto';
import { type CreatedInvite, type CreateInviteRequest, type MembershipStore, rightsOf, ValidationError } from '@event-photos/core';
import type { Clock } from '#uploads/lifecycle';

// Invites: share links whose code is a capability. The code is 256 random bits, shown once (in
// create's answer); the store keeps only its SHA-256, which is also how joining finds the invite.

const CODE_BYTES = 32;

/** What the store keeps of a code, and joining looks the invite up by. */
export const hashOfCode = (code: string) => createHash('sha256').update(code).digest('hex');

export interface Inviting {
  members: MembershipStore;
  clock: Clock;
  /** The web app's address, the links' base (lib/invite-links.ts); '*': none known, the links are relative. */
  webAppUrl: string;
}

/** The web app's link that carries the code: `{webAppUrl}/?event={eventId}&invite={code}`. */
export function inviteUrl(webAppUrl: string, eventId: string, code: string): string {
  return `${webAppUrl === '*' ? '' : webAppUrl}/?${new URLSearchParams({ event: eventId, invite: code })}`;
}

/** Creates an invite of the event with the request's rights; its code and link are in this answer only. */
export async function createInvite(
  { members, clock, webAppUrl }: Inviting,
  eventId: string,
  request: CreateInviteRequest,
): Promise<CreatedInvite> {
  const now = clock();
  // Kept as UTC ISO strings, so that the store compares expiries with `now` as strings.
  const expiresAt = request.expiresAt === null ? null : new Date(request.expiresAt).toISOString();
  if (expiresAt !== null && expiresAt <= now.toISOString()) throw new ValidationError('expiresAt', 'expiresAt must be in the future');
  const code = randomBytes(CODE_BYTES).toString('base64url');
  const invite = await members.createInvite({ eventId, ...rightsOf(request), expiresAt, createdAt: now.toISOString() }, hashOfCode(code));
  return { inviteId: invite.inviteId, code, url: inviteUrl(webAppUrl, eventId, code), ...rightsOf(invite), expiresAt };
}

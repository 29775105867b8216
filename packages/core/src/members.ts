import * as z from 'zod/mini';
import { INVITE_CODE_MAX_CHARS } from '#lib/limits';
import { pageQueryFields } from '#lib/schemas';
import { type Caller, organizes } from '#lib/photo-changes';
import type { PhotoEvent } from '#lib/events';

// Who sees an event: its organizer, and the members who joined it with an invite (a share link
// carrying a secret code). Everyone else is told the event does not exist.

/** What an invite gives, and so what a member may do. */
export interface InviteRights {
  /** May initiate uploads. */
  upload: boolean;
  /** Sees the photos of others; false: a "drop box", where a member sees their own photos only. */
  viewOthers: boolean;
  /** May download originals (stored and shown for now; nothing enforces it yet). */
  downloadOriginals: boolean;
}

/** A share link's record: the code itself is never kept, only its SHA-256 (the store's business). */
export interface Invite extends InviteRights {
  eventId: string;
  /** Opaque, made by the store. */
  inviteId: string;
  /** When joining with it stops working; null: never. */
  expiresAt: string | null;
  createdAt: string;
  /** Set once revoked: joining with it fails from then on. Members who joined with it stay. */
  revokedAt?: string;
}

/** A user who joined an event with an invite. */
export interface Membership extends InviteRights {
  eventId: string;
  /** Opaque, made by the store; what the organizer sees and removes a member by (never the user id). */
  memberId: string;
  /** The member's Cognito `sub`: never shown. */
  userId: string;
  /** From the token at join time (the `name` claim, else preferred_username, else the e-mail's local part). */
  displayName: string;
  joinedAt: string;
}

/**
 * What the caller may do in an event, resolved once per request; none (null) for anyone else,
 * who is told the event does not exist. The organizer may do everything.
 */
export type EventAccess = { kind: 'organizer' } | { kind: 'member'; membership: Membership };

/** The caller's access: organizer (the creator, while in the organizers group), member, or none. */
export async function accessTo(caller: Caller, event: PhotoEvent, membership: Membership | null): Promise<EventAccess | null> {
  if (await organizes(caller, event)) return { kind: 'organizer' };
  return membership ? { kind: 'member', membership } : null;
}

export const mayUpload = (access: EventAccess) => access.kind === 'organizer' || access.membership.upload;
export const seesOthers = (access: EventAccess) => access.kind === 'organizer' || access.membership.viewOthers;
/** Invites and members, the event's settings: its organizer's alone. */
export const mayManage = (access: EventAccess) => access.kind === 'organizer';
/** Whether the caller may see a photo (or an upload) of `uploaderId`; one they may not see is, to them, not there. */
export const maySeePhotoOf = (access: EventAccess, callerId: string, uploaderId: string) => uploaderId === callerId || seesOthers(access);

/** Only the uploader, or the event's organizer, may edit or delete a photo. */
export const mayChangePhotoOf = (access: EventAccess, callerId: string, uploaderId: string) =>
  uploaderId === callerId || access.kind === 'organizer';

/**
 * The published original (location and device identity removed): its uploader, the organizer, and
 * members whose invite has `downloadOriginals`. Everyone else sees renditions only.
 */
export const mayDownloadPublished = (access: EventAccess, callerId: string, uploaderId: string) =>
  uploaderId === callerId || access.kind === 'organizer' || access.membership.downloadOriginals;

/** The untouched original, as uploaded (GPS and all): its uploader and the organizer only. */
export const mayDownloadUntouched = (access: EventAccess, callerId: string, uploaderId: string) =>
  uploaderId === callerId || access.kind === 'organizer';

/** Only the rights of a record. */
export const rightsOf = ({ upload, viewOthers, downloadOriginals }: InviteRights): InviteRights => ({
  upload,
  viewOthers,
  downloadOriginals,
});

/**
 * A member who joins again with another invite keeps every right they had and gains those the new
 * invite gives: an invite only ever widens a membership (narrowing is removing and inviting again).
 */
export function unionOfRights(held: InviteRights, offered: InviteRights): InviteRights {
  return {
    upload: held.upload || offered.upload,
    viewOthers: held.viewOthers || offered.viewOthers,
    downloadOriginals: held.downloadOriginals || offered.downloadOriginals,
  };
}

/** Whether an invite would give a member more than they hold. */
export const widens = (held: InviteRights, offered: InviteRights) =>
  (offered.upload && !held.upload) || (offered.viewOthers && !held.viewOthers) || (offered.downloadOriginals && !held.downloadOriginals);

/** Whether an invite still lets people join at `now`. */
export const inviteValid = (invite: Pick<Invite, 'expiresAt' | 'revokedAt'>, now: Date) =>
  invite.revokedAt === undefined && (invite.expiresAt === null || invite.expiresAt > now.toISOString());

/** Joining is limited per user, across events, so that codes cannot be guessed: attempts per window. */
export const JOIN_ATTEMPTS = { attempts: 10, windowSeconds: 15 * 60 };

// ---------------------------------------------------------------- requests

const right = z.boolean({ error: 'must be true or false' });

/** POST /events/{eventId}/invites */
export const createInviteSchema = z.strictObject({
  upload: right,
  viewOthers: right,
  downloadOriginals: right,
  expiresAt: z._default(
    z.nullable(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time, such as 2026-06-01T18:00:00Z' })),
    null,
  ),
});
export type CreateInviteRequest = z.infer<typeof createInviteSchema>;

/** POST /events/{eventId}/members */
export const joinEventSchema = z.strictObject({
  code: z.string({ error: 'must be the code of an invite' }).check(z.minLength(1, 'must not be empty'), z.maxLength(INVITE_CODE_MAX_CHARS)),
});

/** GET /events/{eventId}/members: paged by `cursor`. */
export const listMembersQuerySchema = z.strictObject(pageQueryFields);

// ---------------------------------------------------------------- answers

/** POST .../invites: the only answer that carries the code (and the link with it). */
export interface CreatedInvite extends InviteRights {
  inviteId: string;
  code: string;
  url: string;
  expiresAt: string | null;
}

export interface InviteView extends InviteRights {
  inviteId: string;
  expiresAt: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface InviteList {
  items: InviteView[];
}

/** POST .../members: the caller's membership. */
export interface JoinedEvent extends InviteRights {
  eventId: string;
  memberId: string;
}

export interface MemberView extends InviteRights {
  memberId: string;
  displayName: string;
  joinedAt: string;
  /** The photos the member holds in the event (their total). */
  photoCount: number;
}

export interface MemberPage {
  items: MemberView[];
  nextCursor: string | null;
}

export function inviteView({ inviteId, expiresAt, createdAt, revokedAt, ...rights }: Invite): InviteView {
  return { inviteId, ...rightsOf(rights), expiresAt, createdAt, revokedAt: revokedAt ?? null };
}

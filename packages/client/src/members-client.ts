import type { CreatedInvite, InviteList, InviteRights, JoinedEvent, MemberPage, MemberView } from '@event-photos/core';
import { createApiRequest, type ApiRequestOptions } from '#lib/api-request';

export interface NewInvite extends InviteRights {
  /** ISO-8601; left out or null: the invite never expires. */
  expiresAt?: string | null;
}

/** Who may see an event: its invites (share links) and members. All but `join` are its organizer's. */
export interface MembersClient {
  /** POST /events/{eventId}/invites: the code and its link are in this answer only. */
  createInvite(eventId: string, invite: NewInvite, options?: { signal?: AbortSignal }): Promise<CreatedInvite>;
  /** GET /events/{eventId}/invites: without codes, revoked ones included. */
  listInvites(eventId: string, options?: { signal?: AbortSignal }): Promise<InviteList>;
  /** DELETE /events/{eventId}/invites/{inviteId}: joining with its code fails from then on. */
  revokeInvite(eventId: string, inviteId: string, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * POST /events/{eventId}/members `{ code }` (any signed-in user). An ApiError 404 for a wrong,
   * revoked or expired code (as for an unknown event), 429 after too many attempts.
   */
  join(eventId: string, code: string, options?: { signal?: AbortSignal }): Promise<JoinedEvent>;
  /** GET /events/{eventId}/members: one page. */
  listMembers(eventId: string, options?: { limit?: number; cursor?: string | null; signal?: AbortSignal }): Promise<MemberPage>;
  /** Every member, a page at a time as the loop asks for more. */
  members(eventId: string, options?: { limit?: number; signal?: AbortSignal }): AsyncGenerator<MemberView, void, undefined>;
  /** DELETE /events/{eventId}/members/{memberId}: their next request about the event answers 404. */
  removeMember(eventId: string, memberId: string, options?: { signal?: AbortSignal }): Promise<void>;
}

export function createMembersClient(options: ApiRequestOptions): MembersClient {
  const request = createApiRequest(options);
  const eventPath = (eventId: string) => `/events/${encodeURIComponent(eventId)}`;
  const client: MembersClient = {
    createInvite(eventId, invite, { signal } = {}) {
      return request('POST', `${eventPath(eventId)}/invites`, { body: invite, signal });
    },
    listInvites(eventId, { signal } = {}) {
      return request('GET', `${eventPath(eventId)}/invites`, { signal });
    },
    revokeInvite(eventId, inviteId, { signal } = {}) {
      return request('DELETE', `${eventPath(eventId)}/invites/${encodeURIComponent(inviteId)}`, { signal });
    },
    join(eventId, code, { signal } = {}) {
      return request('POST', `${eventPath(eventId)}/members`, { body: { code }, signal });
    },
    listMembers(eventId, { limit, cursor, signal } = {}) {
      return request('GET', `${eventPath(eventId)}/members`, { query: { limit, cursor }, signal });
    },
    async *members(eventId, { limit, signal } = {}) {
      let cursor: string | null = null;
      do {
        const page: MemberPage = await client.listMembers(eventId, { ...(limit ? { limit } : {}), cursor, ...(signal ? { signal } : {}) });
        yield* page.items;
        cursor = page.nextCursor;
      } while (cursor);
    },
    removeMember(eventId, memberId, { signal } = {}) {
      return request('DELETE', `${eventPath(eventId)}/members/${encodeURIComponent(memberId)}`, { signal });
    },
  };
  return client;
}

import { expect } from 'vitest';
import type { CreatedInvite, InviteRights, JoinedEvent } from '@event-photos/core';

// Events are private: only their organizer and the members who joined with an invite see them.
// The tests that have someone else upload to an event get them in as people do: the organizer
// invites, the other joins with the code.

/** Calls the API as one user (what `apiCaller` of @event-photos/local-stack/test-support makes). */
export type Call = (method: string, pathname: string, body?: unknown) => Promise<{ status: number; json: unknown; text?: string }>;

export const ALL_RIGHTS: InviteRights = { upload: true, viewOthers: true, downloadOriginals: true };

/** The organizer creates an invite to the event (201), with `rights` (every one by default). */
export async function invite(
  organizer: Call,
  eventId: string,
  rights: InviteRights = ALL_RIGHTS,
  expiresAt?: string,
): Promise<CreatedInvite> {
  const created = await organizer('POST', `/events/${eventId}/invites`, { ...rights, ...(expiresAt ? { expiresAt } : {}) });
  expect(created.status, created.text).toBe(201);
  return created.json as CreatedInvite;
}

/** The caller joins the event with an invite's code (201, or 200 when already a member). */
export async function join(caller: Call, eventId: string, code: string): Promise<JoinedEvent> {
  const joined = await caller('POST', `/events/${eventId}/members`, { code });
  expect([200, 201], joined.text).toContain(joined.status);
  return joined.json as JoinedEvent;
}

/** Invites the caller to the event and has them join: a member with `rights` (every one by default). */
export async function admit(organizer: Call, caller: Call, eventId: string, rights: InviteRights = ALL_RIGHTS): Promise<JoinedEvent> {
  return join(caller, eventId, (await invite(organizer, eventId, rights)).code);
}

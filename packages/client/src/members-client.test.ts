import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMembersClient } from '#lib/members-client';
import { json, stubFetch } from '#lib/test-fetch';

const members = createMembersClient({ apiUrl: 'https://api.example.test/', getToken: () => 't' });
const rights = { upload: true, viewOthers: false, downloadOriginals: false };
const member = { memberId: 'a'.repeat(32), displayName: 'Ana', joinedAt: '2026-11-02T10:00:00.000Z', photoCount: 2, ...rights };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('members client', () => {
  it('creates, lists and revokes invites', async () => {
    const created = { inviteId: 'b'.repeat(32), code: 'c'.repeat(43), url: 'https://app/?event=e&invite=c', ...rights, expiresAt: null };
    const { requests } = stubFetch(json(201, created), json(200, { items: [] }), new Response(null, { status: 204 }));
    expect(await members.createInvite('summit 2026', rights)).toEqual(created);
    expect(await members.listInvites('summit 2026')).toEqual({ items: [] });
    await expect(members.revokeInvite('summit 2026', created.inviteId)).resolves.toBeUndefined();
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['POST', 'https://api.example.test/events/summit%202026/invites', JSON.stringify(rights)],
      ['GET', 'https://api.example.test/events/summit%202026/invites', undefined],
      ['DELETE', `https://api.example.test/events/summit%202026/invites/${created.inviteId}`, undefined],
    ]);
  });

  it('joins with a code, and reports a wrong one as the API says', async () => {
    const { requests } = stubFetch(
      json(201, { eventId: 'e', memberId: member.memberId, ...rights }),
      json(404, { error: { code: 'NotFound', message: 'Event e does not exist', field: 'eventId' } }),
    );
    expect(await members.join('e', 'the-code')).toMatchObject({ memberId: member.memberId });
    await expect(members.join('e', 'wrong')).rejects.toMatchObject({ status: 404, code: 'NotFound' });
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'https://api.example.test/events/e/members', body: '{"code":"the-code"}' });
  });

  it('lists every member across pages, and removes one', async () => {
    const { requests } = stubFetch(
      json(200, { items: [member], nextCursor: 'c' }),
      json(200, { items: [{ ...member, memberId: 'd'.repeat(32) }], nextCursor: null }),
      new Response(null, { status: 204 }),
    );
    const ids: string[] = [];
    for await (const item of members.members('e', { limit: 1 })) ids.push(item.memberId);
    expect(ids).toEqual([member.memberId, 'd'.repeat(32)]);
    await members.removeMember('e', member.memberId);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET https://api.example.test/events/e/members?limit=1',
      'GET https://api.example.test/events/e/members?limit=1&cursor=c',
      `DELETE https://api.example.test/events/e/members/${member.memberId}`,
    ]);
  });
});

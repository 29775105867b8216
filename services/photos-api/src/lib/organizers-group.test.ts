import { afterEach, describe, expect, it, vi } from 'vitest';
import { callerOf } from '#lib/event-organizer';
import { cognitoUsername, liveGroupCheck } from '#lib/organizers-group';
import { httpEvent, TEST_SUB } from '../test-support/events';

const USERNAME = '0b6e8c1a-5f2d-4c7e-9a41-3d2f7b8e6c10';
const organizerToken = { 'cognito:groups': '[organizers]', 'cognito:username': USERNAME };

/** A pool that holds the users of `members` in every group asked about. */
function poolHolding(...members: string[]) {
  return { isMember: vi.fn(async (username: string, _group: string) => members.includes(username)) };
}

describe('liveGroupCheck', () => {
  it('asks the pool, by the cognito:username claim, when the token names the group', async () => {
    const pool = poolHolding(USERNAME);
    await expect(liveGroupCheck(pool)(httpEvent({ claims: organizerToken }), 'organizers')).resolves.toBe(true);
    expect(pool.isMember).toHaveBeenCalledExactlyOnceWith(USERNAME, 'organizers');
  });

  it('says no when the pool no longer holds the user, whatever the token still says', async () => {
    const pool = poolHolding();
    await expect(liveGroupCheck(pool)(httpEvent({ claims: organizerToken }), 'organizers')).resolves.toBe(false);
  });

  it.each([
    ['no groups claim', { 'cognito:username': USERNAME }],
    ['other groups', { ...organizerToken, 'cognito:groups': '[admins]' }],
  ])('says no without asking the pool when the token has %s', async (_name, claims) => {
    const pool = poolHolding(USERNAME);
    await expect(liveGroupCheck(pool)(httpEvent({ claims }), 'organizers')).resolves.toBe(false);
    expect(pool.isMember).not.toHaveBeenCalled();
  });

  it('asks once per request and group, however many checks and callers ask', async () => {
    const pool = poolHolding(USERNAME);
    const check = liveGroupCheck(pool);
    const event = httpEvent({ claims: organizerToken });
    await Promise.all([check(event, 'organizers'), check(event, 'organizers'), callerOf(event, check).inOrganizersGroup()]);
    await check(httpEvent({ claims: organizerToken }), 'organizers');
    expect(pool.isMember).toHaveBeenCalledTimes(2);
  });

  it('lets a failure of the pool through: no answer is not a yes', async () => {
    const failure = new Error('Rate exceeded');
    const check = liveGroupCheck({ isMember: async () => Promise.reject(failure) });
    await expect(check(httpEvent({ claims: organizerToken }), 'organizers')).rejects.toBe(failure);
  });
});

describe('cognitoUsername', () => {
  it('is the cognito:username claim, else the sub', () => {
    expect(cognitoUsername(httpEvent({ claims: { 'cognito:username': USERNAME } }))).toBe(USERNAME);
    expect(cognitoUsername(httpEvent({ claims: { 'cognito:username': '' } }))).toBe(TEST_SUB);
    expect(cognitoUsername(httpEvent())).toBe(TEST_SUB);
  });
});

describe('USER_POOL_ID', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails the cold start naming the variable when it is missing', async () => {
    vi.stubEnv('USER_POOL_ID', undefined);
    vi.resetModules();
    await expect(import('#lib/organizers-group')).rejects.toThrow('Environment variable USER_POOL_ID is required');
  });
});

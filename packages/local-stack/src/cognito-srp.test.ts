import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signIn } from '@event-photos/client';
import * as client from '@event-photos/client/srp';
import { referenceKey, referenceSignIn, type ReferenceRequest } from '@event-photos/testing/reference-srp';
import { createPasswordLockout } from '#lib/cognito-attempts';
import { CognitoRequestError } from '#lib/cognito-errors';
import { allowsAuthFlow, type CognitoLocalData, type StoredClient, type StoredUser } from '#lib/cognito-local-data';
import { N, createSrpFront, expectedSignature, serverKeyExchange, verifierOf, type SrpFront } from '#lib/cognito-srp';

const USER_POOL_ID = 'local_4w1i28ST';
const CLIENT: StoredClient = {
  ClientId: 'spa-client',
  UserPoolId: USER_POOL_ID,
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
};
const USER: StoredUser = {
  Username: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
  Password: 'Local-Attendee-1!',
  UserStatus: 'CONFIRMED',
  Attributes: [
    { Name: 'email', Value: 'attendee@example.com' },
    { Name: 'sub', Value: '2bdfea6a-1255-42df-9678-fc0843d5afc7' },
  ],
};
const TOKENS = {
  ChallengeParameters: {},
  AuthenticationResult: { IdToken: 'id.token', AccessToken: 'access.token', RefreshToken: 'refresh', ExpiresIn: 3600, TokenType: 'Bearer' },
};

/** The data folder as cognito-local-data reads it, in memory. */
function dataOf(users: StoredUser[] = [USER]): CognitoLocalData {
  return {
    client: async (clientId) => (clientId === CLIENT.ClientId ? CLIENT : undefined),
    user: async (_pool, username) =>
      users.find((user) => user.Username === username || user.Attributes?.some((attribute) => attribute.Value === username)),
    pool: async (userPoolId) => ({ Id: userPoolId, UsernameAttributes: ['email'] }),
    groupsOf: async () => [],
  };
}

function front(
  options: { now?: () => number; maxPending?: number; users?: StoredUser[]; lockout?: ReturnType<typeof createPasswordLockout> } = {},
) {
  // What follows a proven password (cognito-user-flows.ts in the stack): here, tokens.
  const signedIn = vi.fn(async (_client: StoredClient, _user: StoredUser): Promise<unknown> => TOKENS);
  const srp = createSrpFront({
    data: dataOf(options.users),
    signedIn,
    ...(options.lockout ? { lockout: options.lockout } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.maxPending ? { maxPending: options.maxPending } : {}),
  });
  return { srp, signedIn };
}

/** What a Cognito JSON call answers here: the front's result, or its error as Cognito's body. */
async function answerOf(call: () => Promise<unknown>): Promise<{ status: number; body: any }> {
  try {
    return { status: 200, body: await call() };
  } catch (error) {
    if (error instanceof CognitoRequestError) return { status: error.status, body: { __type: error.type, message: error.message } };
    throw error;
  }
}

/** The reference client (amazon-cognito-identity-js) signing in against the front; `tamper` edits its answer first. */
function referenceAgainst(
  srp: SrpFront,
  password: string,
  tamper: (responses: Record<string, string>, request: Record<string, unknown>) => void = () => undefined,
) {
  const answers: Array<{ status: number; body: any }> = [];
  return referenceSignIn({
    userPoolId: USER_POOL_ID,
    clientId: CLIENT.ClientId,
    username: 'attendee@example.com',
    password,
    send: async ({ operation, params }: ReferenceRequest) => {
      if (operation === 'RespondToAuthChallenge') tamper(params['ChallengeResponses'], params);
      const answer = await answerOf(() => (operation === 'InitiateAuth' ? srp.initiate(CLIENT, params) : srp.respond(params)));
      answers.push(answer);
      if (answer.status !== 200)
        throw Object.assign(new Error(answer.body.message), { code: answer.body.__type, name: answer.body.__type });
      return answer.body;
    },
  }).then((result) => ({ ...result, answers }));
}

/** Deterministic numbers: SHA-256 in counter mode over a label. */
function bigOf(label: string, length: number): bigint {
  let hex = '';
  for (let block = 0; hex.length < length * 2; block++) hex += createHash('sha256').update(`${label}/${block}`).digest('hex');
  return BigInt(`0x${hex.slice(0, length * 2)}`);
}
const shapeOf = (value: bigint) =>
  client.padHex(value).startsWith('00') ? 'high-bit' : value.toString(16).length % 2 ? 'odd-length' : 'plain';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the SRP math against amazon-cognito-identity-js', () => {
  it.each([1n, 7n, 2n ** 255n + 12345n])('derives the key the reference client derives (b = %s)', async (b) => {
    const salt = 0x9c4f2b6e1a0d3c5b7e8f9a0b1c2d3e4fn;
    const smallA = 0xa1b2c3d4e5f60718293a4b5c6d7e8f90n ** 7n;
    const { A } = await referenceKey({ poolName: '4w1i28ST', userId: USER.Username, password: USER.Password!, smallA, B: 2n, salt });
    const verifier = verifierOf('4w1i28ST', USER.Username, USER.Password!, salt);
    const server = serverKeyExchange(A, verifier, b);
    const client = await referenceKey({ poolName: '4w1i28ST', userId: USER.Username, password: USER.Password!, smallA, B: server.B, salt });
    expect(server.key.toString('hex')).toBe(Buffer.from(client.key).toString('hex'));
    const wrong = await referenceKey({ poolName: '4w1i28ST', userId: USER.Username, password: 'not it', smallA, B: server.B, salt });
    expect(Buffer.from(wrong.key).toString('hex')).not.toBe(server.key.toString('hex'));
  });

  it('agrees with our browser client on vectors that exercise every padding', async () => {
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
    const wanted = new Set<string>();
    for (const name of ['A', 'B', 'salt', 'u', 'S'])
      for (const shape of ['high-bit', 'odd-length', 'plain']) wanted.add(`${name}:${shape}`);
    for (const seed of seeds) {
      const salt = bigOf(`salt${seed}`, 16);
      const smallA = bigOf(`a${seed}`, 128);
      const A = client.largeA(smallA);
      const userId = `user-${seed}`;
      const password = `Pässwörd-${seed}!`;
      const server = serverKeyExchange(A, verifierOf('4w1i28ST', userId, password, salt), bigOf(`b${seed}`, 32));
      const input = { poolName: '4w1i28ST', userId, password, smallA, A, B: server.B, salt };
      expect(Buffer.from(await client.passwordAuthenticationKey(input)).toString('hex')).toBe(server.key.toString('hex'));
      const { S, u } = await client.sharedSecret(input);
      for (const [name, value] of Object.entries({ A, B: server.B, salt, u, S })) wanted.delete(`${name}:${shapeOf(value)}`);
    }
    expect([...wanted]).toEqual([]);
  });

  it('refuses A = 0 mod N', () => {
    expect(() => serverKeyExchange(N, 5n)).toThrow(CognitoRequestError);
    expect(() => serverKeyExchange(0n, 5n)).toThrow('SRP_A');
  });
});

describe('createSrpFront', () => {
  it('signs in the reference client with the right password', async () => {
    const { srp, signedIn } = front();
    const result = await referenceAgainst(srp, USER.Password!);
    expect(result.error).toBeUndefined();
    expect(result.idToken).toBe('id.token');
    const challenge = result.answers[0]!.body;
    expect(challenge).toMatchObject({
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        USER_ID_FOR_SRP: USER.Username,
        SALT: expect.stringMatching(/^[0-9a-f]+$/),
        SRP_B: expect.stringMatching(/^[0-9a-f]+$/),
      },
    });
    // The tokens come from cognito-local's USER_PASSWORD_AUTH, as the user's id, once verified.
    expect(signedIn).toHaveBeenCalledExactlyOnceWith(CLIENT, USER);
    expect(srp.pendingCount()).toBe(0);
  });

  it('signs in our own browser client (packages/client) too', async () => {
    const { srp } = front();
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      const operation = new Headers(init.headers).get('x-amz-target')!.split('.')[1];
      const answer = await answerOf(() => (operation === 'InitiateAuth' ? srp.initiate(CLIENT, body) : srp.respond(body)));
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
      });
    });
    const options = {
      cognitoEndpoint: 'http://127.0.0.1:9/',
      region: 'local',
      userPoolId: USER_POOL_ID,
      clientId: CLIENT.ClientId,
      email: 'attendee@example.com',
    };
    expect(await signIn({ ...options, password: USER.Password! })).toMatchObject({ idToken: 'id.token', accessToken: 'access.token' });
    await expect(signIn({ ...options, password: 'Local-Attendee-2!' })).rejects.toMatchObject({
      status: 400,
      code: 'NotAuthorizedException',
    });
    await expect(signIn({ ...options, email: 'nobody@example.com', password: USER.Password! })).rejects.toMatchObject({
      status: 400,
      code: 'NotAuthorizedException',
    });
  });

  it('answers a wrong password with NotAuthorizedException, without signing in', async () => {
    const { srp, signedIn } = front();
    const result = await referenceAgainst(srp, 'Local-Attendee-2!');
    expect(result.error).toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(result.answers[1]).toEqual({
      status: 400,
      body: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
    });
    expect(signedIn).not.toHaveBeenCalled();
  });

  it('gives an unknown user a challenge that no password answers (existence stays hidden)', async () => {
    const { srp, signedIn } = front();
    const result = await referenceSignIn({
      userPoolId: USER_POOL_ID,
      clientId: CLIENT.ClientId,
      username: 'nobody@example.com',
      password: USER.Password!,
      send: async ({ operation, params }) => {
        const answer = await answerOf(() => (operation === 'InitiateAuth' ? srp.initiate(CLIENT, params) : srp.respond(params)));
        if (answer.status !== 200) throw Object.assign(new Error(answer.body.message), { code: answer.body.__type });
        return answer.body;
      },
    });
    expect(result.requests.map((request) => request.operation)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    expect(result.error).toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(signedIn).not.toHaveBeenCalled();
  });

  it.each([
    [
      'a changed signature',
      (responses: Record<string, string>) => (responses['PASSWORD_CLAIM_SIGNATURE'] = flipFirst(responses['PASSWORD_CLAIM_SIGNATURE']!)),
    ],
    [
      'a changed timestamp',
      (responses: Record<string, string>) =>
        (responses['TIMESTAMP'] = responses['TIMESTAMP']!.replace(/\d{4}$/, (year) => String(Number(year) + 1))),
    ],
    ['another user name', (responses: Record<string, string>) => (responses['USERNAME'] = 'organizer@example.com')],
  ])('refuses %s', async (_name, tamper) => {
    const { srp, signedIn } = front();
    const result = await referenceAgainst(srp, USER.Password!, tamper);
    expect(result.error).toMatchObject({ code: 'NotAuthorizedException' });
    expect(signedIn).not.toHaveBeenCalled();
  });

  it('refuses a replayed or unknown secret block, and one issued to another client', async () => {
    const { srp, signedIn } = front();
    const result = await referenceAgainst(srp, USER.Password!);
    expect(result.idToken).toBe('id.token');
    const answered = result.requests[1]!.params;
    const expired = {
      status: 400,
      body: { __type: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' },
    };
    expect(await answerOf(() => srp.respond(answered))).toEqual(expired);
    const responses = answered['ChallengeResponses'] as Record<string, string>;
    const unknownBlock = {
      ...answered,
      ChallengeResponses: { ...responses, PASSWORD_CLAIM_SECRET_BLOCK: Buffer.alloc(48, 7).toString('base64') },
    };
    expect(await answerOf(() => srp.respond(unknownBlock))).toEqual(expired);

    const otherClient = await referenceAgainst(srp, USER.Password!, (_responses, request) => (request['ClientId'] = 'other-client'));
    expect(otherClient.answers[1]).toEqual(expired);
    expect(signedIn).toHaveBeenCalledTimes(1);
    expect(srp.pendingCount()).toBe(0);
  });

  it('forgets a challenge after its lifetime (3 minutes)', async () => {
    let now = 1_000_000;
    const { srp, signedIn } = front({ now: () => now });
    const result = await referenceAgainst(srp, USER.Password!, () => {
      now += 3 * 60_000;
    });
    expect(result.error).toMatchObject({ code: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' });
    expect(signedIn).not.toHaveBeenCalled();
  });

  it('keeps at most maxPending challenges, dropping the oldest', async () => {
    const { srp } = front({ maxPending: 3 });
    const blocks: string[] = [];
    for (let index = 0; index < 5; index++) {
      const challenge = (await srp.initiate(CLIENT, { AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: '2' } })) as {
        ChallengeParameters: Record<string, string>;
      };
      blocks.push(challenge.ChallengeParameters['SECRET_BLOCK']!);
    }
    expect(srp.pendingCount()).toBe(3);
    const respond = (block: string) =>
      answerOf(() =>
        srp.respond({
          ClientId: CLIENT.ClientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeResponses: {
            USERNAME: USER.Username,
            PASSWORD_CLAIM_SECRET_BLOCK: block,
            PASSWORD_CLAIM_SIGNATURE: 'x',
            TIMESTAMP: 'Tue Dec 1 09:05:07 UTC 2026',
          },
        }),
      );
    expect((await respond(blocks[0]!)).body.message).toContain('session is expired');
    expect((await respond(blocks[4]!)).body.message).toBe('Incorrect username or password.');
  });

  it('reads the user after a right signature (a password changed meanwhile reads as wrong) and passes on what follows', async () => {
    const user = { ...USER };
    const { srp, signedIn } = front({ users: [user] });
    const changed = await referenceAgainst(srp, USER.Password!, () => (user.Password = 'Changed-Meanwhile-1!'));
    expect(changed.error).toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(signedIn).not.toHaveBeenCalled();

    const refusing = createSrpFront({
      data: dataOf(),
      signedIn: async () => {
        throw new CognitoRequestError(400, 'UserNotConfirmedException', 'User is not confirmed.');
      },
    });
    expect((await referenceAgainst(refusing, USER.Password!)).error).toMatchObject({ code: 'UserNotConfirmedException' });
  });

  it('locks a user out after 5 wrong passwords: 1 s, then doubling; right or wrong, refused meanwhile', async () => {
    let now = 1_000_000;
    const lockout = createPasswordLockout({ now: () => now });
    const { srp, signedIn } = front({ now: () => now, lockout });
    const attempt = async (password: string) => (await referenceAgainst(srp, password)).error as { message?: string } | undefined;
    for (let index = 0; index < 5; index++) expect((await attempt('Wrong-Password-1!'))?.message).toBe('Incorrect username or password.');
    expect((await attempt(USER.Password!))?.message).toBe('Password attempts exceeded');
    now += 999;
    expect((await attempt(USER.Password!))?.message).toBe('Password attempts exceeded');
    now += 1;
    // The lockout is over: a 6th failure locks for 2 s, and attempts meanwhile do not count.
    expect((await attempt('Wrong-Password-1!'))?.message).toBe('Incorrect username or password.');
    now += 1_999;
    expect((await attempt('Wrong-Password-1!'))?.message).toBe('Password attempts exceeded');
    now += 1;
    expect(await attempt(USER.Password!)).toBeUndefined();
    expect(signedIn).toHaveBeenCalledTimes(1);
    // A success starts the count again.
    for (let index = 0; index < 4; index++) await attempt('Wrong-Password-1!');
    expect(await attempt(USER.Password!)).toBeUndefined();
  });

  it('locks unknown names out alike, and gives them the same salt and UUID user id at every attempt', async () => {
    const now = 1_000_000;
    const lockout = createPasswordLockout({ now: () => now });
    const { srp } = front({ now: () => now, lockout });
    const challengeOf = async (username: string) =>
      (
        (await srp.initiate(CLIENT, { AuthParameters: { USERNAME: username, SRP_A: '2' } })) as {
          ChallengeParameters: Record<string, string>;
        }
      ).ChallengeParameters;
    const [first, second] = [await challengeOf('Nobody@example.com'), await challengeOf('nobody@example.com')];
    expect(first.USER_ID_FOR_SRP).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.USER_ID_FOR_SRP).toBe(first.USER_ID_FOR_SRP);
    expect(second.SALT).toBe(first.SALT);
    expect((await challengeOf('somebody@example.com')).USER_ID_FOR_SRP).not.toBe(first.USER_ID_FOR_SRP);
    // A known user's salt is stable too (until its password changes).
    expect((await challengeOf(USER.Attributes![0]!.Value!)).SALT).toBe((await challengeOf(USER.Username)).SALT);

    const unknown = (password: string) =>
      referenceSignIn({
        userPoolId: USER_POOL_ID,
        clientId: CLIENT.ClientId,
        username: 'nobody@example.com',
        password,
        send: async ({ operation, params }) => {
          const answer = await answerOf(() => (operation === 'InitiateAuth' ? srp.initiate(CLIENT, params) : srp.respond(params)));
          if (answer.status !== 200) throw Object.assign(new Error(answer.body.message), { code: answer.body.__type });
          return answer.body;
        },
      });
    for (let index = 0; index < 5; index++)
      expect((await unknown('Any-Password-1!')).error?.message).toBe('Incorrect username or password.');
    expect((await unknown('Any-Password-1!')).error?.message).toBe('Password attempts exceeded');
  });

  it.each([
    ['no AuthParameters', {}],
    ['AuthParameters as a string', { AuthParameters: 'x' }],
    ['no USERNAME', { AuthParameters: { SRP_A: 'ab' } }],
    ['a USERNAME that is a number', { AuthParameters: { USERNAME: 5, SRP_A: 'ab' } }],
    ['no SRP_A', { AuthParameters: { USERNAME: 'attendee@example.com' } }],
    ['an SRP_A that is not hex', { AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: 'xyz' } }],
    ['an SRP_A of N', { AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: N.toString(16) } }],
    ['an SRP_A of 0', { AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: '000' } }],
    ['a huge SRP_A', { AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: 'f'.repeat(5000) } }],
  ])('answers InitiateAuth with %s with InvalidParameterException', async (_name, request) => {
    const { srp } = front();
    expect(await answerOf(() => srp.initiate(CLIENT, request))).toMatchObject({
      status: 400,
      body: { __type: 'InvalidParameterException' },
    });
  });

  it.each([
    ['no ChallengeResponses', { ClientId: 'spa-client' }],
    ['no ClientId', { ChallengeResponses: {} }],
    ['ChallengeResponses as a list', { ClientId: 'spa-client', ChallengeResponses: [] }],
    [
      'no signature',
      {
        ClientId: 'spa-client',
        ChallengeResponses: { USERNAME: 'u', PASSWORD_CLAIM_SECRET_BLOCK: 'b', TIMESTAMP: 'Tue Dec 1 09:05:07 UTC 2026' },
      },
    ],
    [
      'a timestamp in another format',
      {
        ClientId: 'spa-client',
        ChallengeResponses: {
          USERNAME: 'u',
          PASSWORD_CLAIM_SECRET_BLOCK: 'b',
          PASSWORD_CLAIM_SIGNATURE: 's',
          TIMESTAMP: '2026-12-01T09:05:07Z',
        },
      },
    ],
    [
      'a zero-padded day',
      {
        ClientId: 'spa-client',
        ChallengeResponses: {
          USERNAME: 'u',
          PASSWORD_CLAIM_SECRET_BLOCK: 'b',
          PASSWORD_CLAIM_SIGNATURE: 's',
          TIMESTAMP: 'Tue Dec 01 09:05:07 UTC 2026',
        },
      },
    ],
  ])('answers RespondToAuthChallenge with %s with InvalidParameterException', async (_name, request) => {
    const { srp } = front();
    expect(await answerOf(() => srp.respond(request))).toMatchObject({ status: 400, body: { __type: 'InvalidParameterException' } });
  });

  it('signs with the secret block bytes, not its text', () => {
    const key = Buffer.alloc(16, 1);
    const block = Buffer.from('secret block');
    expect(expectedSignature(key, 'pool', 'user', block, 'Tue Dec 1 09:05:07 UTC 2026')).not.toBe(
      expectedSignature(key, 'pool', 'user', Buffer.from(block.toString('base64')), 'Tue Dec 1 09:05:07 UTC 2026'),
    );
  });
});

describe('allowsAuthFlow', () => {
  it.each([
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'USER_SRP_AUTH', true],
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'REFRESH_TOKEN_AUTH', true],
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'REFRESH_TOKEN', true],
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'USER_PASSWORD_AUTH', false],
    [['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], 'ADMIN_USER_PASSWORD_AUTH', false],
    [['ALLOW_USER_PASSWORD_AUTH'], 'USER_SRP_AUTH', false],
    [['USER_PASSWORD_AUTH'], 'USER_PASSWORD_AUTH', true],
    [[], 'USER_SRP_AUTH', true],
    [[], 'USER_PASSWORD_AUTH', false],
  ])('%j allows %s: %s', (flows, flow, allowed) => {
    expect(allowsAuthFlow({ ClientId: 'c', UserPoolId: USER_POOL_ID, ExplicitAuthFlows: flows }, flow)).toBe(allowed);
  });
});

function flipFirst(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64');
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CognitoRequestError } from '#lib/cognito-errors';
import type { StoredClient, StoredUser } from '#lib/cognito-local-data';
import { ensureSigningKey, type SigningKey } from '#lib/cognito-signing-key';
import { createTokenIssuer, tokenLifetime } from '#lib/cognito-tokens';
import { publishedCognitoLocalKey, resignWithKey } from '#lib/test-support';

const CLIENT: StoredClient = {
  ClientId: 'spa',
  UserPoolId: 'local_Pool1',
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  ReadAttributes: ['email', 'email_verified', 'name'],
};
const USER: StoredUser = {
  Username: 'b3c1f8a0-0000-4000-8000-000000000001',
  Attributes: [
    { Name: 'sub', Value: 'b3c1f8a0-0000-4000-8000-000000000001' },
    { Name: 'email', Value: 'jo@example.com' },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'name', Value: 'Jo' },
    { Name: 'phone_number', Value: '+15555550100' },
  ],
};
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

let directory: string;
let key: SigningKey;

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'event-photos-tokens-'));
  key = await ensureSigningKey(path.join(directory, 'signing-key.json'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function issuer(now = () => Date.now(), stateFile?: string) {
  return createTokenIssuer({ key, issuerBase: 'http://127.0.0.1:4514', now, ...(stateFile ? { stateFile } : {}) });
}
const clientOf = async (clientId: string) => (clientId === CLIENT.ClientId ? CLIENT : undefined);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: CognitoRequestError) => `${error.type}: ${error.message}`,
  );

describe('tokenLifetime', () => {
  it("reads the client's validity and units, with Cognito's defaults", () => {
    expect(tokenLifetime(CLIENT, 'IdToken')).toBe(3_600);
    expect(tokenLifetime(CLIENT, 'RefreshToken')).toBe(30 * 86_400);
    expect(tokenLifetime({ ...CLIENT, IdTokenValidity: 5, TokenValidityUnits: { IdToken: 'seconds' } }, 'IdToken')).toBe(5);
    expect(tokenLifetime({ ClientId: 'c', UserPoolId: 'p' }, 'AccessToken')).toBe(3_600);
    expect(tokenLifetime({ ClientId: 'c', UserPoolId: 'p', AccessTokenValidity: 2 }, 'AccessToken')).toBe(7_200);
    expect(tokenLifetime({ ClientId: 'c', UserPoolId: 'p' }, 'RefreshToken')).toBe(30 * 86_400);
  });
});

describe('createTokenIssuer', () => {
  it("mints Cognito's claims: readable attributes in the ID token, groups, one origin_jti per sign-in", async () => {
    const tokens = issuer();
    const { session, refreshToken } = await tokens.startSession(CLIENT, USER.Username);
    expect(refreshToken.split('.')).toHaveLength(5);
    const minted = tokens.mint(CLIENT, USER, ['organizers'], session);
    expect(minted).toMatchObject({ ExpiresIn: 3_600, TokenType: 'Bearer' });
    const id = claimsOf(minted.IdToken);
    expect(id).toEqual({
      sub: USER.Username,
      email: 'jo@example.com',
      email_verified: true,
      name: 'Jo',
      'cognito:groups': ['organizers'],
      'cognito:username': USER.Username,
      iss: 'http://127.0.0.1:4514/local_Pool1',
      aud: 'spa',
      token_use: 'id',
      origin_jti: session.originJti,
      event_id: expect.any(String),
      auth_time: session.authTime,
      iat: expect.any(Number),
      exp: id.iat + 3_600,
      jti: expect.any(String),
    });
    const access = claimsOf(minted.AccessToken);
    expect(access).toMatchObject({ client_id: 'spa', token_use: 'access', username: USER.Username, origin_jti: session.originJti });
    expect(access).not.toHaveProperty('email');
    expect(JSON.parse(Buffer.from(minted.AccessToken.split('.')[0]!, 'base64url').toString('utf8'))).toEqual({
      kid: 'CognitoLocal',
      alg: 'RS256',
    });
  });

  it('verifies its own access tokens and nothing else', async () => {
    let now = Date.now();
    const tokens = issuer(() => now);
    const { session } = await tokens.startSession(CLIENT, USER.Username);
    const { AccessToken: access, IdToken: id } = tokens.mint(CLIENT, USER, [], session);
    expect((await tokens.verifyAccessToken(access, clientOf)).claims.username).toBe(USER.Username);

    const [header, payload, signature] = access.split('.') as [string, string, string];
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const hs256 = `${Buffer.from('{"alg":"HS256","kid":"CognitoLocal"}').toString('base64url')}.${payload}.${signature}`;
    for (const forged of [
      none,
      hs256,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      resignWithKey(access, {}, publishedCognitoLocalKey()),
      tokens.sign({ ...claimsOf(access), client_id: 'other' }),
      tokens.sign({ ...claimsOf(access), iss: 'http://elsewhere/local_Pool1' }),
      tokens.sign({ ...claimsOf(access), origin_jti: 'made-up' }),
      id,
      'garbage',
      '',
    ]) {
      expect(await refusal(tokens.verifyAccessToken(forged, clientOf))).toMatch(
        /^(NotAuthorizedException: Invalid Access Token|InvalidParameterException)/,
      );
    }
    now += 3_600_000;
    expect(await refusal(tokens.verifyAccessToken(access, clientOf))).toBe('NotAuthorizedException: Access Token has expired');
  });

  it('refreshes within the refresh token lifetime, for its client only, until revoked', async () => {
    let now = Date.now();
    const tokens = issuer(() => now);
    const { session, refreshToken } = await tokens.startSession(CLIENT, USER.Username);
    expect(tokens.sessionOf(CLIENT, refreshToken)).toBe(session);
    expect(() => tokens.sessionOf({ ...CLIENT, ClientId: 'other' }, refreshToken)).toThrow('Invalid Refresh Token.');
    const access = tokens.mint(CLIENT, USER, [], session).AccessToken;

    expect(await refusal(tokens.revoke(CLIENT, access))).toBe('UnsupportedTokenTypeException: Unsupported token type');
    expect(await refusal(tokens.revoke({ ...CLIENT, ClientId: 'other' }, refreshToken))).toMatch(/^NotAuthorizedException/);
    await tokens.revoke(CLIENT, refreshToken);
    expect(() => tokens.sessionOf(CLIENT, refreshToken)).toThrow('Refresh Token has been revoked');
    expect(await refusal(tokens.verifyAccessToken(access, clientOf))).toBe('NotAuthorizedException: Access Token has been revoked');

    const other = await tokens.startSession(CLIENT, USER.Username);
    now += 30 * 86_400_000;
    expect(() => tokens.sessionOf(CLIENT, other.refreshToken)).toThrow('Refresh Token has expired');
  });

  it('keeps sessions in its file across restarts (by hash, never the token), and forgets expired ones', async () => {
    const file = path.join(directory, 'sessions.json');
    let now = Date.now();
    const first = issuer(() => now, file);
    const kept = await first.startSession(CLIENT, USER.Username);
    const revoked = await first.startSession(CLIENT, USER.Username);
    await first.revoke(CLIENT, revoked.refreshToken);
    const short = await first.startSession(
      { ...CLIENT, RefreshTokenValidity: 60, TokenValidityUnits: { RefreshToken: 'seconds' } },
      USER.Username,
    );
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(kept.refreshToken);

    const second = issuer(() => now, file);
    expect(second.sessionOf(CLIENT, kept.refreshToken).originJti).toBe(kept.session.originJti);
    expect(() => second.sessionOf(CLIENT, revoked.refreshToken)).toThrow('revoked');
    now += 61_000;
    await second.endSessionsOf('local_Pool1', 'nobody');
    expect(JSON.parse(await readFile(file, 'utf8')).sessions.map((session: { originJti: string }) => session.originJti)).not.toContain(
      short.session.originJti,
    );
  });

  it('ends every session of a user on GlobalSignOut', async () => {
    const tokens = issuer();
    const one = await tokens.startSession(CLIENT, USER.Username);
    const two = await tokens.startSession(CLIENT, USER.Username);
    const someoneElse = await tokens.startSession(CLIENT, 'another-user');
    await tokens.endSessionsOf('local_Pool1', USER.Username);
    expect(() => tokens.sessionOf(CLIENT, one.refreshToken)).toThrow('revoked');
    expect(() => tokens.sessionOf(CLIENT, two.refreshToken)).toThrow('revoked');
    expect(tokens.sessionOf(CLIENT, someoneElse.refreshToken).username).toBe('another-user');
  });
});

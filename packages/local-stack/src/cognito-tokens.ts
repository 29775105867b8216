import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { CognitoRequestError } from '#lib/cognito-errors';
import { attributeOf, type StoredClient, type StoredUser, type TokenUnit } from '#lib/cognito-local-data';
import type { SigningKey } from '#lib/cognito-signing-key';
import { frontState } from '#lib/cognito-state';

/**
 * The local Cognito's tokens, made by the front rather than by cognito-local, which cannot do
 * what the deployed pool does with them: the ID token's readable attributes (`name`), each
 * token's `origin_jti` (the sign-in it comes from), refresh tokens that expire and can be
 * revoked with every access token issued from them, the app client's validity settings with
 * Cognito's defaults. Signed with the stack's key (cognito-signing-key.ts), the one cognito-local
 * publishes at its JWKS URL, so the API's JWT authorizer verifies them as before.
 *
 * A refresh token is opaque (Cognito's are encrypted JWTs nobody else can read): a random string
 * shaped like a JWE, naming a session kept here (cognito/sessions.json) by its hash.
 */

export interface Session {
  /** The sign-in: every token issued from it carries it as `origin_jti`. */
  originJti: string;
  /** base64url SHA-256 of the refresh token. */
  tokenHash: string;
  clientId: string;
  userPoolId: string;
  /** The user's Username (its `sub` in this pool, whose users sign in with their e-mail). */
  username: string;
  /** Seconds, as in `auth_time`. */
  authTime: number;
  /** Milliseconds: when the refresh token expires. */
  expiresAt: number;
  revokedAt?: number;
}

export interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
}

export interface AccessClaims {
  sub: string;
  client_id: string;
  origin_jti: string;
  token_use: 'access';
  username: string;
  exp: number;
  iat: number;
  [claim: string]: unknown;
}

export interface TokenIssuerOptions {
  key: SigningKey;
  /** The issuer's origin: tokens name `${issuerBase}/${userPoolId}`. */
  issuerBase: string;
  /** Where sessions are kept across restarts; memory only without one. */
  stateFile?: string;
  now?: () => number;
}

export type TokenIssuer = ReturnType<typeof createTokenIssuer>;

const UNIT_SECONDS: Record<TokenUnit, number> = { seconds: 1, minutes: 60, hours: 3_600, days: 86_400 };
// Cognito's defaults for a client that sets none: 1 hour, 1 hour, 30 days.
const DEFAULT_SECONDS = { AccessToken: 3_600, IdToken: 3_600, RefreshToken: 30 * 86_400 } as const;
const JWE_HEADER = Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM', alg: 'RSA-OAEP' })).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const invalidAccessToken = () => new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid Access Token');

/** How long a client's tokens live, in seconds (its validity and units, else Cognito's defaults). */
export function tokenLifetime(client: StoredClient, token: 'AccessToken' | 'IdToken' | 'RefreshToken'): number {
  const value = client[`${token}Validity`];
  if (typeof value !== 'number' || !(value > 0)) return DEFAULT_SECONDS[token];
  const unit = client.TokenValidityUnits?.[token] ?? (token === 'RefreshToken' ? 'days' : 'hours');
  return value * (UNIT_SECONDS[unit] ?? UNIT_SECONDS.hours);
}

export function createTokenIssuer({ key, issuerBase, stateFile, now = Date.now }: TokenIssuerOptions) {
  const privateKey = createPrivateKey({ key: key.private.pem, format: 'pem' });
  const publicKey: KeyObject = createPublicKey({ key: key.public.jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const kid = String(key.public.jwk['kid'] ?? 'CognitoLocal');
  const state = frontState(stateFile, () => ({ sessions: [] as Session[] }), isSessions);
  const byHash = new Map(state.value.sessions.map((session) => [session.tokenHash, session]));
  const byOrigin = new Map(state.value.sessions.map((session) => [session.originJti, session]));

  const issuerOf = (userPoolId: string) => `${issuerBase}/${userPoolId}`;
  const seconds = () => Math.floor(now() / 1000);
  const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

  function sign(claims: Record<string, unknown>): string {
    const header = Buffer.from(JSON.stringify({ kid, alg: 'RS256' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** The claims of a JWT this issuer signed (RS256 with its key), or undefined: nothing else is trusted. */
  function verified(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    try {
      const { alg, kid: tokenKid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (alg !== 'RS256' || tokenKid !== kid) return undefined;
      if (!createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url')))
        return undefined;
      const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  async function save(): Promise<void> {
    // Sessions whose refresh token expired can no longer be used or revoked: forget them.
    const live = state.value.sessions.filter((session) => session.expiresAt > now());
    if (live.length !== state.value.sessions.length) {
      state.value.sessions = live;
      byHash.clear();
      byOrigin.clear();
      for (const session of live) {
        byHash.set(session.tokenHash, session);
        byOrigin.set(session.originJti, session);
      }
    }
    await state.save();
  }

  return {
    /** A new sign-in: its session and refresh token. */
    async startSession(client: StoredClient, username: string, authTime = seconds()): Promise<{ session: Session; refreshToken: string }> {
      const refreshToken = [JWE_HEADER, ...[256, 12, 512, 16].map((size) => randomBytes(size).toString('base64url'))].join('.');
      const session: Session = {
        originJti: randomUUID(),
        tokenHash: hashOf(refreshToken),
        clientId: client.ClientId,
        userPoolId: client.UserPoolId,
        username,
        authTime,
        expiresAt: now() + tokenLifetime(client, 'RefreshToken') * 1000,
      };
      state.value.sessions.push(session);
      byHash.set(session.tokenHash, session);
      byOrigin.set(session.originJti, session);
      await save();
      return { session, refreshToken };
    },

    /** The session a refresh token stands for, if the client may use it now (REFRESH_TOKEN_AUTH). */
    sessionOf(client: StoredClient, refreshToken: string): Session {
      const session = byHash.get(hashOf(refreshToken));
      if (!session || session.clientId !== client.ClientId) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid Refresh Token.');
      }
      if (session.revokedAt !== undefined) throw new CognitoRequestError(400, 'NotAuthorizedException', 'Refresh Token has been revoked');
      if (session.expiresAt <= now()) throw new CognitoRequestError(400, 'NotAuthorizedException', 'Refresh Token has expired');
      return session;
    },

    /** ID and access tokens for a session, as Cognito makes them, with the client's validity. */
    mint(client: StoredClient, user: StoredUser, groups: string[], session: Session): AuthenticationResult {
      const iat = seconds();
      const sub = attributeOf(user, 'sub') ?? user.Username;
      const common = {
        sub,
        ...(groups.length ? { 'cognito:groups': groups } : {}),
        iss: issuerOf(client.UserPoolId),
        origin_jti: session.originJti,
        event_id: randomUUID(),
        auth_time: session.authTime,
        iat,
      };
      const accessLifetime = tokenLifetime(client, 'AccessToken');
      const accessToken = sign({
        ...common,
        client_id: client.ClientId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        exp: iat + accessLifetime,
        jti: randomUUID(),
        username: user.Username,
      });
      const idToken = sign({
        ...idTokenAttributes(client, user),
        ...common,
        'cognito:username': user.Username,
        aud: client.ClientId,
        token_use: 'id',
        exp: iat + tokenLifetime(client, 'IdToken'),
        jti: randomUUID(),
      });
      return { AccessToken: accessToken, ExpiresIn: accessLifetime, TokenType: 'Bearer', IdToken: idToken };
    },

    /**
     * The claims of an access token Cognito would accept (GetUser, ChangePassword, GlobalSignOut):
     * signed with the stack's key, an access token of a client of its pool, not expired, its
     * session not revoked. NotAuthorizedException otherwise, with Cognito's messages.
     */
    async verifyAccessToken(token: unknown, clientOf: (clientId: string) => Promise<StoredClient | undefined>) {
      if (typeof token !== 'string' || token === '') {
        throw new CognitoRequestError(400, 'InvalidParameterException', 'Missing required parameter AccessToken');
      }
      const claims = verified(token);
      if (claims?.['token_use'] !== 'access' || typeof claims['client_id'] !== 'string' || typeof claims['exp'] !== 'number') {
        throw invalidAccessToken();
      }
      const client = await clientOf(claims['client_id']);
      if (!client || claims['iss'] !== issuerOf(client.UserPoolId) || typeof claims['username'] !== 'string') throw invalidAccessToken();
      if (claims['exp'] <= seconds()) throw new CognitoRequestError(400, 'NotAuthorizedException', 'Access Token has expired');
      const session = typeof claims['origin_jti'] === 'string' ? byOrigin.get(claims['origin_jti']) : undefined;
      // A token whose session is gone (its refresh token expired) was revoked or could be no longer valid.
      if (!session || session.username !== claims['username']) throw invalidAccessToken();
      if (session.revokedAt !== undefined) throw new CognitoRequestError(400, 'NotAuthorizedException', 'Access Token has been revoked');
      return { claims: claims as AccessClaims, client, session };
    },

    /**
     * RevokeToken: the refresh token and every token issued from it. Only a refresh token of this
     * client: an access or ID token of the stack's is the wrong type, anything else is not a token of it.
     */
    async revoke(client: StoredClient, token: string): Promise<void> {
      const session = byHash.get(hashOf(token));
      if (!session || session.clientId !== client.ClientId) {
        const claims = verified(token);
        if (claims && (claims['token_use'] === 'access' || claims['token_use'] === 'id')) {
          throw new CognitoRequestError(400, 'UnsupportedTokenTypeException', 'Unsupported token type');
        }
        if (token.split('.').length === 3) throw invalidAccessToken();
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid Refresh Token.');
      }
      session.revokedAt ??= now();
      await save();
    },

    /** GlobalSignOut: every session of the user, in every client. */
    async endSessionsOf(userPoolId: string, username: string): Promise<void> {
      for (const session of state.value.sessions) {
        if (session.userPoolId === userPoolId && session.username === username) session.revokedAt ??= now();
      }
      await save();
    },

    /** Signs claims with the stack's key (tests make expired or foreign-client tokens with it). */
    sign,
  };
}

/**
 * The user's attributes as the ID token carries them: those the client may read (all without a
 * list), the verified flags as booleans; `sub` comes with the common claims.
 */
function idTokenAttributes(client: StoredClient, user: StoredUser): Record<string, unknown> {
  const readable = client.ReadAttributes?.length ? new Set(client.ReadAttributes) : undefined;
  const claims: Record<string, unknown> = {};
  for (const { Name: name, Value: value } of user.Attributes ?? []) {
    if (!name || value === undefined || name === 'sub' || (readable && !readable.has(name))) continue;
    claims[name] = name === 'email_verified' || name === 'phone_number_verified' ? value === 'true' : value;
  }
  return claims;
}

function isSessions(value: unknown): value is { sessions: Session[] } {
  const sessions = (value as { sessions?: unknown } | null)?.sessions;
  return (
    Array.isArray(sessions) &&
    sessions.every(
      (session: Partial<Session>) =>
        typeof session?.originJti === 'string' &&
        typeof session.tokenHash === 'string' &&
        typeof session.clientId === 'string' &&
        typeof session.userPoolId === 'string' &&
        typeof session.username === 'string' &&
        typeof session.authTime === 'number' &&
        typeof session.expiresAt === 'number',
    )
  );
}

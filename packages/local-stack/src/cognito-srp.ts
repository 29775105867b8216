import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { CognitoRequestError, incorrectCredentials } from '#lib/cognito-errors';
import type { CognitoLocalData, StoredClient } from '#lib/cognito-local-data';

/**
 * Cognito's server side of USER_SRP_AUTH, for the local stack (cognito-local has no SRP). The
 * cognito-admin-guard hands it InitiateAuth with AuthFlow USER_SRP_AUTH, which it answers with a
 * PASSWORD_VERIFIER challenge (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP), and
 * RespondToAuthChallenge PASSWORD_VERIFIER, whose PASSWORD_CLAIM_SIGNATURE it checks against the
 * key derived from the user's verifier. Only then does it get the tokens from cognito-local with
 * USER_PASSWORD_AUTH (on the emulator's private port) and answer them as Cognito does.
 *
 * Written apart from the browser client's srp.ts, with Node's crypto, so that the two sides check
 * each other; cognito-srp.test.ts checks this one against amazon-cognito-identity-js.
 */

export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;

function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const hashOfHex = (hex: string) => BigInt(`0x${sha256(Buffer.from(hex, 'hex')).toString('hex')}`);
const bigOf = (bytes: Buffer) => BigInt(`0x${bytes.toString('hex')}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = base % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}

const k = hashOfHex(padHex(N) + padHex(g));

/** v = g^x, x = H(padHex(salt) | H(poolName | userId | ":" | password)): what Cognito stores instead of a password. */
export function verifierOf(poolName: string, userId: string, password: string, salt: bigint): bigint {
  const x = hashOfHex(padHex(salt) + sha256(`${poolName}${userId}:${password}`).toString('hex'));
  return modPow(g, x, N);
}

/**
 * The server's half for one client A: B = k v + g^b, u = H(A | B), S = (A v^u)^b, and the
 * 16-byte HKDF key the client's signature must be made with. `b` is drawn when not given.
 */
export function serverKeyExchange(A: bigint, verifier: bigint, b = bigOf(randomBytes(32))): { B: bigint; key: Buffer } {
  if (A % N === 0n) throw new CognitoRequestError(400, 'InvalidParameterException', 'SRP_A is not a valid SRP value');
  const B = (k * verifier + modPow(g, b, N)) % N;
  const u = hashOfHex(padHex(A) + padHex(B));
  if (B === 0n || u === 0n) return serverKeyExchange(A, verifier); // chance ~2^-256: draw again
  const S = modPow((A * modPow(verifier, u, N)) % N, b, N);
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), 'Caldera Derived Key', 16));
  return { B, key };
}

/** The PASSWORD_CLAIM_SIGNATURE a client that knows the password sends: base64 HMAC-SHA256(key, poolName | userId | secret block | timestamp). */
export function expectedSignature(key: Buffer, poolName: string, userId: string, secretBlock: Buffer, timestamp: string): string {
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(poolName), Buffer.from(userId), secretBlock, Buffer.from(timestamp)]))
    .digest('base64');
}

/** "Tue Dec 1 09:05:07 UTC 2026": Cognito's TIMESTAMP format. */
const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d UTC \d{4}$/;
const HEX = /^[0-9a-fA-F]{1,1024}$/;
const MAX_TEXT = 2048;

interface PendingChallenge {
  clientId: string;
  poolName: string;
  userId: string;
  /** The name the client signed in with (USERNAME may repeat it instead of USER_ID_FOR_SRP). */
  username: string;
  /** Undefined for an unknown user: its challenge is a decoy that no signature answers. */
  password: string | undefined;
  key: Buffer | undefined;
  expiresAt: number;
}

export interface SrpFrontOptions {
  data: CognitoLocalData;
  /** cognito-local's InitiateAuth USER_PASSWORD_AUTH, on its private port (the answer as it came). */
  passwordSignIn(clientId: string, userId: string, password: string): Promise<{ status: number; body: unknown }>;
  now?: () => number;
  /** How long a challenge can be answered: Cognito's default auth session is 3 minutes. */
  lifetimeMs?: number;
  /** Challenges kept at most (the oldest go first). */
  maxPending?: number;
}

export type SrpFront = ReturnType<typeof createSrpFront>;

export function createSrpFront({ data, passwordSignIn, now = Date.now, lifetimeMs = 3 * 60_000, maxPending = 1_000 }: SrpFrontOptions) {
  // Insertion order is expiry order (one lifetime for all): the oldest come first.
  const pending = new Map<string, PendingChallenge>();
  /** Drops the expired challenges, and the oldest beyond room for `adding` more. */
  const sweep = (adding = 0) => {
    for (const [secretBlock, challenge] of pending) {
      if (challenge.expiresAt > now() && pending.size + adding <= maxPending) break;
      pending.delete(secretBlock);
    }
  };

  return {
    /** InitiateAuth, AuthFlow USER_SRP_AUTH, for a client that allows it. */
    async initiate(client: StoredClient, request: Record<string, unknown>): Promise<unknown> {
      const parameters = objectParameter(request, 'AuthParameters');
      const username = textParameter(parameters, 'USERNAME', 'AuthParameters');
      const srpA = textParameter(parameters, 'SRP_A', 'AuthParameters');
      if (!HEX.test(srpA)) throw new CognitoRequestError(400, 'InvalidParameterException', 'SRP_A is not a valid SRP value');
      const A = BigInt(`0x${srpA}`);
      const poolName = client.UserPoolId.split('_')[1] ?? '';
      const user = await data.user(client.UserPoolId, username);
      const salt = bigOf(randomBytes(16));
      // An unknown user gets a challenge all the same (the deployed client hides whether a user exists).
      const known = user !== undefined && typeof user.Password === 'string';
      const { B, key } = serverKeyExchange(A, known ? verifierOf(poolName, user.Username, user.Password!, salt) : bigOf(randomBytes(32)));
      const userId = user?.Username ?? username;
      const secretBlock = randomBytes(48).toString('base64');
      sweep(1);
      pending.set(secretBlock, {
        clientId: client.ClientId,
        poolName,
        userId,
        username,
        password: known ? user.Password : undefined,
        key: known ? key : undefined,
        expiresAt: now() + lifetimeMs,
      });
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: salt.toString(16),
          SRP_B: B.toString(16),
          SECRET_BLOCK: secretBlock,
          USER_ID_FOR_SRP: userId,
          USERNAME: userId,
        },
      };
    },

    /** RespondToAuthChallenge, ChallengeName PASSWORD_VERIFIER: tokens only for the right signature. */
    async respond(request: Record<string, unknown>): Promise<unknown> {
      const clientId = textParameter(request, 'ClientId');
      const responses = objectParameter(request, 'ChallengeResponses');
      const username = textParameter(responses, 'USERNAME', 'ChallengeResponses');
      const secretBlock = textParameter(responses, 'PASSWORD_CLAIM_SECRET_BLOCK', 'ChallengeResponses');
      const signature = textParameter(responses, 'PASSWORD_CLAIM_SIGNATURE', 'ChallengeResponses');
      const timestamp = textParameter(responses, 'TIMESTAMP', 'ChallengeResponses');
      if (!TIMESTAMP.test(timestamp)) throw new CognitoRequestError(400, 'InvalidParameterException', 'TIMESTAMP format is invalid');

      sweep();
      const challenge = pending.get(secretBlock);
      // One answer per challenge, right or wrong: a replayed secret block finds nothing.
      pending.delete(secretBlock);
      if (!challenge || challenge.expiresAt <= now() || challenge.clientId !== clientId) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid session for the user, session is expired.');
      }
      if (username !== challenge.userId && username !== challenge.username) throw incorrectCredentials();
      if (!challenge.key || !challenge.password) throw incorrectCredentials();
      const expected = Buffer.from(
        expectedSignature(challenge.key, challenge.poolName, challenge.userId, Buffer.from(secretBlock, 'base64'), timestamp),
      );
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw incorrectCredentials();

      const answer = await passwordSignIn(challenge.clientId, challenge.userId, challenge.password);
      if (answer.status === 200) return withCognitoShape(answer.body);
      const type = (answer.body as { __type?: unknown } | null)?.__type;
      // The password changed since the challenge (cognito-local names it InvalidPasswordException).
      if (type === 'InvalidPasswordException' || type === 'NotAuthorizedException') throw incorrectCredentials();
      const message = (answer.body as { message?: unknown } | null)?.message;
      throw new CognitoRequestError(
        answer.status >= 500 ? 400 : answer.status,
        typeof type === 'string' ? type : 'InvalidParameterException',
        typeof message === 'string' ? message : 'The local Cognito emulator could not sign the user in',
      );
    },

    /** Challenges waiting for an answer (for tests). */
    pendingCount(): number {
      sweep();
      return pending.size;
    },
  };
}

/**
 * Cognito's RespondToAuthChallenge answer carries ExpiresIn (seconds) and TokenType; cognito-local's
 * USER_PASSWORD_AUTH leaves them out, so they come from the access token's own iat and exp.
 */
function withCognitoShape(body: unknown): unknown {
  const result = (body as { AuthenticationResult?: Record<string, unknown> } | null)?.AuthenticationResult;
  if (!result || typeof result['AccessToken'] !== 'string') return body;
  let expiresIn = result['ExpiresIn'];
  if (typeof expiresIn !== 'number') {
    try {
      const claims = JSON.parse(Buffer.from(result['AccessToken'].split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        iat?: unknown;
        exp?: unknown;
      };
      if (typeof claims.exp === 'number' && typeof claims.iat === 'number') expiresIn = claims.exp - claims.iat;
    } catch {
      // Not a JWT: leave ExpiresIn out, as cognito-local did.
    }
  }
  return {
    ...(body as object),
    AuthenticationResult: {
      ...result,
      ...(typeof expiresIn === 'number' ? { ExpiresIn: expiresIn } : {}),
      TokenType: result['TokenType'] ?? 'Bearer',
    },
  };
}

function objectParameter(container: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = container[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CognitoRequestError(400, 'InvalidParameterException', `Missing required parameter ${name}`);
  }
  return value as Record<string, unknown>;
}

function textParameter(container: Record<string, unknown>, name: string, within?: string): string {
  const value = container[name];
  if (typeof value !== 'string' || value === '') {
    throw new CognitoRequestError(400, 'InvalidParameterException', `Missing required parameter ${within ? `${within}.` : ''}${name}`);
  }
  if (value.length > MAX_TEXT) throw new CognitoRequestError(400, 'InvalidParameterException', `${name} is too long`);
  return value;
}

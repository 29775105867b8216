import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { userLimitKey } from '#lib/cognito-attempts';
import { CognitoRequestError, incorrectCredentials } from '#lib/cognito-errors';
import type { CognitoLocalData, StoredClient, StoredUser } from '#lib/cognito-local-data';

/**
 * Cognito's server side of USER_SRP_AUTH, for the local stack (cognito-local has no SRP). The
 * cognito-admin-guard hands it InitiateAuth with AuthFlow USER_SRP_AUTH, which it answers with a
 * PASSWORD_VERIFIER challenge (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP), and
 * RespondToAuthChallenge PASSWORD_VERIFIER, whose PASSWORD_CLAIM_SIGNATURE it checks against the
 * key derived from the user's verifier. Only then does `signedIn` answer (the user's state, then
 * tokens or a NEW_PASSWORD_REQUIRED challenge: cognito-user-flows.ts). Wrong passwords count
 * towards Cognito's lockout (`lockout`, cognito-attempts.ts), for unknown names too.
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
  client: StoredClient;
  poolName: string;
  userId: string;
  /** The name the client signed in with (USERNAME may repeat it instead of USER_ID_FOR_SRP). */
  username: string;
  /** Undefined for an unknown user: its challenge is a decoy that no signature answers. */
  password: string | undefined;
  key: Buffer | undefined;
  /** What the lockout counts this sign-in by (cognito-attempts.ts). */
  limitKey: string;
  expiresAt: number;
}

/** What the password lockout needs from its keeper (cognito-attempts.ts's createPasswordLockout). */
export interface SrpLockout {
  check(key: string): void;
  failed(key: string): void;
  succeeded(key: string): void;
}

export interface SrpFrontOptions {
  data: CognitoLocalData;
  /** The answer once the password is proven: the user's state checked, tokens or the next challenge. */
  signedIn(client: StoredClient, user: StoredUser): Promise<unknown>;
  /** Counts wrong passwords and refuses while a user is locked out; none when not given. */
  lockout?: SrpLockout;
  /**
   * Makes the salt and USER_ID_FOR_SRP of an unknown user the same at each attempt, as Cognito's
   * are (and a known user's salt stable until the password changes); drawn when not given.
   */
  secret?: Buffer;
  now?: () => number;
  /** How long a challenge can be answered: Cognito's default auth session is 3 minutes. */
  lifetimeMs?: number;
  /** Challenges kept at most (the oldest go first). */
  maxPending?: number;
}

export type SrpFront = ReturnType<typeof createSrpFront>;

export function createSrpFront({
  data,
  signedIn,
  lockout,
  secret = randomBytes(32),
  now = Date.now,
  lifetimeMs = 3 * 60_000,
  maxPending = 1_000,
}: SrpFrontOptions) {
  const derived = (...parts: string[]) => createHmac('sha256', secret).update(parts.join('\u0000')).digest();
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
      const found = await data.user(client.UserPoolId, username);
      // An unknown user gets a challenge all the same (the deployed client hides whether a user
      // exists): a user id in the same UUID form and a salt, both the same at every attempt.
      const user = found && typeof found.Password === 'string' ? found : undefined;
      const salt = bigOf(
        derived(
          ...(user
            ? ['salt', client.UserPoolId, user.Username, user.Password!]
            : ['unknown salt', client.UserPoolId, username.toLowerCase()]),
        ).subarray(0, 16),
      );
      const { B, key } = serverKeyExchange(A, user ? verifierOf(poolName, user.Username, user.Password!, salt) : bigOf(randomBytes(32)));
      const userId = user?.Username ?? uuidOf(derived('unknown user', client.UserPoolId, username.toLowerCase()));
      const secretBlock = randomBytes(48).toString('base64');
      sweep(1);
      pending.set(secretBlock, {
        client,
        poolName,
        userId,
        username,
        password: user?.Password,
        key: user ? key : undefined,
        limitKey: userLimitKey(client.UserPoolId, username, user),
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
      if (!challenge || challenge.expiresAt <= now() || challenge.client.ClientId !== clientId) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid session for the user, session is expired.');
      }
      // Attempts during a lockout are refused, right or wrong, and do not count.
      lockout?.check(challenge.limitKey);
      const expected = challenge.key
        ? Buffer.from(expectedSignature(challenge.key, challenge.poolName, challenge.userId, Buffer.from(secretBlock, 'base64'), timestamp))
        : undefined;
      const given = Buffer.from(signature);
      const proven =
        (username === challenge.userId || username === challenge.username) &&
        expected !== undefined &&
        given.length === expected.length &&
        timingSafeEqual(given, expected);
      // The user as it is now: the password may have changed since the challenge.
      const user = proven ? await data.user(challenge.client.UserPoolId, challenge.userId) : undefined;
      if (!user || user.Password !== challenge.password) {
        lockout?.failed(challenge.limitKey);
        throw incorrectCredentials();
      }
      lockout?.succeeded(challenge.limitKey);
      return signedIn(challenge.client, user);
    },

    /** Challenges waiting for an answer (for tests). */
    pendingCount(): number {
      sweep();
      return pending.size;
    },
  };
}

/** A UUID (version 4 form) from 16 bytes of a digest. */
function uuidOf(bytes: Buffer): string {
  const hex = Buffer.from(bytes.subarray(0, 16)).toString('hex').split('');
  hex[12] = '4';
  hex[16] = '89ab'[Number.parseInt(hex[16]!, 16) & 3]!;
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
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

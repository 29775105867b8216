import { ApiError, apiErrorFrom, networkError } from '#lib/errors';
import {
  hexToBigInt,
  largeA,
  passwordAuthenticationKey,
  passwordClaimSignature,
  poolNameOf,
  randomSmallA,
  srpTimestamp,
  subtle,
} from '#lib/srp';

export interface SignInOptions {
  /** Cognito's API endpoint; defaults to `https://cognito-idp.{region}.amazonaws.com/`. */
  cognitoEndpoint?: string | undefined;
  region: string;
  /** The user pool (`{region}_{id}`): SRP hashes the part after `_` with the password. */
  userPoolId: string;
  /** The user pool app client (public: no client secret). */
  clientId: string;
  email: string;
  password: string;
  signal?: AbortSignal | undefined;
}

export interface SignInResult {
  /** Send this one to the photos API (`Authorization: Bearer <idToken>`). */
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the ID and access tokens expire. */
  expiresAt: Date;
}

/** Cognito's public API endpoint for a region. */
export function cognitoEndpointFor(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/`;
}

interface CognitoAnswer {
  status: number;
  body: {
    AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number };
    ChallengeName?: string;
    ChallengeParameters?: Record<string, unknown>;
    Session?: string;
  };
}

/**
 * Signs in with Cognito's USER_SRP_AUTH flow through its JSON API (no SDK): the password never
 * leaves the browser. InitiateAuth sends SRP_A; Cognito's PASSWORD_VERIFIER challenge is answered
 * with a signature made from the key both sides derive (see srp.ts).
 * Rejects with an ApiError: Cognito's exception name as `code` (e.g. NotAuthorizedException for a
 * wrong password), or `ChallengeRequired` when the user must first answer another challenge (new
 * password, MFA).
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const endpoint = options.cognitoEndpoint ?? cognitoEndpointFor(options.region);
  const poolName = poolNameOf(options.userPoolId);
  subtle(); // fails before any request on a page without WebCrypto
  const startedAt = Date.now();
  const smallA = randomSmallA();
  const A = largeA(smallA);

  const initiated = await call(endpoint, 'InitiateAuth', options.signal, {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: options.clientId,
    AuthParameters: { USERNAME: options.email, SRP_A: A.toString(16) },
  });
  if (initiated.body.ChallengeName !== 'PASSWORD_VERIFIER') return tokensOf(initiated, startedAt);

  const parameters = initiated.body.ChallengeParameters ?? {};
  const text = (name: string) => (typeof parameters[name] === 'string' ? parameters[name] : '');
  const userId = text('USER_ID_FOR_SRP');
  const secretBlock = text('SECRET_BLOCK');
  let signature: string;
  const timestamp = srpTimestamp(new Date());
  try {
    if (!userId || !secretBlock) throw new Error('USER_ID_FOR_SRP and SECRET_BLOCK are required');
    const key = await passwordAuthenticationKey({
      poolName,
      userId,
      password: options.password,
      smallA,
      A,
      B: hexToBigInt(text('SRP_B')),
      salt: hexToBigInt(text('SALT')),
    });
    signature = await passwordClaimSignature(key, poolName, userId, secretBlock, timestamp);
  } catch (error) {
    throw new ApiError(initiated.status, 'InvalidResponse', 'The sign-in service sent a password challenge that cannot be answered', {
      cause: error,
    });
  }
  options.signal?.throwIfAborted();

  const answered = await call(endpoint, 'RespondToAuthChallenge', options.signal, {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: options.clientId,
    ChallengeResponses: {
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
      TIMESTAMP: timestamp,
      PASSWORD_CLAIM_SIGNATURE: signature,
    },
    ...(initiated.body.Session ? { Session: initiated.body.Session } : {}),
  });
  return tokensOf(answered, startedAt);
}

async function call(endpoint: string, operation: string, signal: AbortSignal | undefined, body: unknown): Promise<CognitoAnswer> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw networkError(error, 'the sign-in service');
  }
  if (!response.ok) throw await apiErrorFrom(response);
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch (error) {
    throw new ApiError(response.status, 'InvalidResponse', 'The sign-in service answered something other than JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null)
    throw new ApiError(response.status, 'InvalidResponse', 'The sign-in service answered without tokens');
  return { status: response.status, body: parsed as CognitoAnswer['body'] };
}

function tokensOf({ status, body }: CognitoAnswer, startedAt: number): SignInResult {
  const result = body.AuthenticationResult;
  if (!result?.IdToken || !result.AccessToken) {
    const challenge = body.ChallengeName;
    throw new ApiError(
      status,
      challenge ? 'ChallengeRequired' : 'InvalidResponse',
      challenge
        ? `Sign-in needs the ${challenge} step, which this app does not support yet`
        : 'The sign-in service answered without tokens',
    );
  }
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresAt: new Date(startedAt + (result.ExpiresIn ?? 3600) * 1000),
  };
}

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

/**
 * The browser's Cognito calls, through Cognito's JSON API (fetch only, no SDK): sign-in with SRP,
 * sign-up and its confirmation code, password reset, the new password an invited account must
 * choose, refreshing and revoking a session. Every refusal rejects with an ApiError whose `code`
 * is Cognito's exception name (NotAuthorizedException, CodeMismatchException, ...).
 */

/** What every call names: the app client and where Cognito answers. */
export interface CognitoClientOptions {
  /** Cognito's API endpoint; defaults to `https://cognito-idp.{region}.amazonaws.com/`. */
  cognitoEndpoint?: string | undefined;
  region: string;
  /** The user pool app client (public: no client secret). */
  clientId: string;
  signal?: AbortSignal | undefined;
}

export interface SignInOptions extends CognitoClientOptions {
  /** The user pool (`{region}_{id}`): SRP hashes the part after `_` with the password. */
  userPoolId: string;
  email: string;
  password: string;
}

export interface SignInResult {
  /** Send this one to the photos API (`Authorization: Bearer <idToken>`). */
  idToken: string;
  accessToken: string;
  /** Gets new ID and access tokens (refreshSession) until it expires or is revoked (revokeToken). */
  refreshToken: string;
  /** When the ID or access token, whichever first, expires (by their lifetimes, on this device's clock). */
  expiresAt: Date;
}

/** Where Cognito says it sent a code (masked, e.g. `a***@e***`). */
export interface CodeDelivery {
  destination: string;
  /** `EMAIL` here. */
  deliveryMedium: string;
  attributeName: string;
}

export interface SignUpOptions extends CognitoClientOptions {
  /** The username: the pool signs users in by e-mail. */
  email: string;
  password: string;
  /** The display name chosen at sign-up (the `name` attribute). */
  name: string;
}

export interface SignUpResult {
  /** The new user's id (`sub` in its tokens). */
  userSub: string;
  /** False until confirmSignUp with the code e-mailed to the address. */
  userConfirmed: boolean;
  codeDelivery?: CodeDelivery;
}

/**
 * signIn's rejection when the account must choose a new password first: an account an
 * administrator created signs in with the temporary password it was e-mailed. Answer it with
 * completeNewPassword({ session, username, newPassword, name }) within 3 minutes. An ApiError with
 * code `ChallengeRequired`, so code that only shows errors still shows something sensible.
 */
export class NewPasswordRequiredError extends ApiError {
  readonly challengeName = 'NEW_PASSWORD_REQUIRED';
  /** Cognito's session for the challenge: pass it to completeNewPassword. */
  readonly session: string;
  /** The user's id in the pool (USER_ID_FOR_SRP): pass it to completeNewPassword. */
  readonly username: string;
  /** The attributes the account has (e.g. `email`, `name` if an administrator set one). */
  readonly userAttributes: Record<string, string>;
  /** Attributes the pool requires and the account lacks, to send with the new password (e.g. `name`). */
  readonly requiredAttributes: string[];
  /** When the session stops being accepted (3 minutes after the sign-in). */
  readonly expiresAt: Date;

  constructor(
    status: number,
    details: { session: string; username: string; userAttributes: Record<string, string>; requiredAttributes: string[]; expiresAt: Date },
  ) {
    super(status, 'ChallengeRequired', 'Choose a new password to finish signing in (NEW_PASSWORD_REQUIRED).');
    this.name = 'NewPasswordRequiredError';
    this.session = details.session;
    this.username = details.username;
    this.userAttributes = details.userAttributes;
    this.requiredAttributes = details.requiredAttributes;
    this.expiresAt = details.expiresAt;
  }
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
    CodeDeliveryDetails?: { Destination?: string; DeliveryMedium?: string; AttributeName?: string };
    UserSub?: string;
    UserConfirmed?: boolean;
  };
}

// Cognito answers a challenge's session for 3 minutes.
const CHALLENGE_SESSION_MS = 3 * 60_000;

/**
 * Signs in with Cognito's USER_SRP_AUTH flow through its JSON API (no SDK): the password never
 * leaves the browser. InitiateAuth sends SRP_A; Cognito's PASSWORD_VERIFIER challenge is answered
 * with a signature made from the key both sides derive (see srp.ts).
 * Rejects with an ApiError: Cognito's exception name as `code` (e.g. NotAuthorizedException for a
 * wrong password or an unknown user, UserNotConfirmedException before confirmSignUp); with a
 * NewPasswordRequiredError when the account must choose a new password (completeNewPassword);
 * `ChallengeRequired` for any other challenge (MFA), which this app does not use.
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const poolName = poolNameOf(options.userPoolId);
  subtle(); // fails before any request on a page without WebCrypto
  const startedAt = Date.now();
  const smallA = randomSmallA();
  const A = largeA(smallA);

  const initiated = await call(options, 'InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: options.clientId,
    AuthParameters: { USERNAME: options.email, SRP_A: A.toString(16) },
  });
  if (initiated.body.ChallengeName !== 'PASSWORD_VERIFIER') return tokensOf(initiated, startedAt, { username: options.email });

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

  const answered = await call(options, 'RespondToAuthChallenge', {
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
  return tokensOf(answered, startedAt, { username: userId });
}

/**
 * Answers NEW_PASSWORD_REQUIRED (a NewPasswordRequiredError from signIn) with the password the
 * user chose, and the display name if given (or required): signed in. The pool's password policy
 * applies (InvalidPasswordException); an expired session rejects with NotAuthorizedException.
 */
export async function completeNewPassword(
  options: CognitoClientOptions & { session: string; username: string; newPassword: string; name?: string | undefined },
): Promise<SignInResult> {
  const startedAt = Date.now();
  const answered = await call(options, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: options.clientId,
    Session: options.session,
    ChallengeResponses: {
      USERNAME: options.username,
      NEW_PASSWORD: options.newPassword,
      ...(options.name !== undefined ? { 'userAttributes.name': options.name } : {}),
    },
  });
  return tokensOf(answered, startedAt, { username: options.username });
}

/**
 * Creates an account: the e-mail is the username, `name` the display name. Cognito e-mails a
 * code to confirm it (confirmSignUp). Rejects with UsernameExistsException for a taken e-mail,
 * InvalidPasswordException for a password the pool's policy refuses.
 */
export async function signUp(options: SignUpOptions): Promise<SignUpResult> {
  const { status, body } = await call(options, 'SignUp', {
    ClientId: options.clientId,
    Username: options.email,
    Password: options.password,
    UserAttributes: [
      { Name: 'email', Value: options.email },
      { Name: 'name', Value: options.name },
    ],
  });
  if (typeof body.UserSub !== 'string') throw new ApiError(status, 'InvalidResponse', 'The sign-up service answered without a user id');
  const codeDelivery = deliveryOf(body);
  return { userSub: body.UserSub, userConfirmed: body.UserConfirmed === true, ...(codeDelivery ? { codeDelivery } : {}) };
}

/** Confirms a sign-up with the e-mailed code. CodeMismatchException, ExpiredCodeException, LimitExceededException otherwise. */
export async function confirmSignUp(options: CognitoClientOptions & { email: string; code: string }): Promise<void> {
  await call(options, 'ConfirmSignUp', { ClientId: options.clientId, Username: options.email, ConfirmationCode: options.code });
}

/** Sends a new sign-up code (the one before stops working). */
export async function resendConfirmationCode(options: CognitoClientOptions & { email: string }): Promise<CodeDelivery> {
  return requiredDelivery(await call(options, 'ResendConfirmationCode', { ClientId: options.clientId, Username: options.email }));
}

/**
 * Starts a password reset: Cognito e-mails a code (confirmForgotPassword). It answers the same
 * for an unknown address, so this says nothing about whether an account exists.
 */
export async function forgotPassword(options: CognitoClientOptions & { email: string }): Promise<CodeDelivery> {
  return requiredDelivery(await call(options, 'ForgotPassword', { ClientId: options.clientId, Username: options.email }));
}

/** Sets a new password with the reset code. CodeMismatchException, ExpiredCodeException, InvalidPasswordException otherwise. */
export async function confirmForgotPassword(
  options: CognitoClientOptions & { email: string; code: string; newPassword: string },
): Promise<void> {
  await call(options, 'ConfirmForgotPassword', {
    ClientId: options.clientId,
    Username: options.email,
    ConfirmationCode: options.code,
    Password: options.newPassword,
  });
}

/**
 * New ID and access tokens from a refresh token (REFRESH_TOKEN_AUTH). Cognito sends no new
 * refresh token: the result carries the one given. NotAuthorizedException once it expired or
 * was revoked: sign in again.
 */
export async function refreshSession(options: CognitoClientOptions & { refreshToken: string }): Promise<SignInResult> {
  const startedAt = Date.now();
  const answered = await call(options, 'InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: options.clientId,
    AuthParameters: { REFRESH_TOKEN: options.refreshToken },
  });
  return tokensOf(answered, startedAt, { refreshToken: options.refreshToken });
}

/** Signs a session out: revokes the refresh token and every access token issued from it. */
export async function revokeToken(options: CognitoClientOptions & { refreshToken: string }): Promise<void> {
  await call(options, 'RevokeToken', { ClientId: options.clientId, Token: options.refreshToken });
}

async function call(options: CognitoClientOptions, operation: string, body: unknown): Promise<CognitoAnswer> {
  const endpoint = options.cognitoEndpoint ?? cognitoEndpointFor(options.region);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
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

/**
 * The tokens of an answer, or the challenge it poses as an error. `username`: whom a challenge is
 * for when it does not say; `refreshToken`: the one refreshed (Cognito sends none back).
 */
function tokensOf(
  { status, body }: CognitoAnswer,
  startedAt: number,
  given: { username?: string; refreshToken?: string } = {},
): SignInResult {
  if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED') throw newPasswordRequired(status, body, startedAt, given.username);
  const result = body.AuthenticationResult;
  const refreshToken = result?.RefreshToken ?? given.refreshToken;
  if (!result?.IdToken || !result.AccessToken || !refreshToken) {
    const challenge = body.ChallengeName;
    throw new ApiError(
      status,
      challenge ? 'ChallengeRequired' : 'InvalidResponse',
      challenge ? `Sign-in needs the ${challenge} step, which this app does not support` : 'The sign-in service answered without tokens',
    );
  }
  // Each token's own lifetime (a pool can give the ID token a shorter one); ExpiresIn is the access token's.
  const lifetimes = [lifetimeOf(result.IdToken), lifetimeOf(result.AccessToken) ?? result.ExpiresIn ?? 3600].filter(
    (seconds): seconds is number => seconds !== undefined,
  );
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken,
    expiresAt: new Date(startedAt + Math.min(...lifetimes) * 1000),
  };
}

function newPasswordRequired(status: number, body: CognitoAnswer['body'], startedAt: number, fallbackUsername?: string): ApiError {
  const parameters = body.ChallengeParameters ?? {};
  const username = typeof parameters['USER_ID_FOR_SRP'] === 'string' ? parameters['USER_ID_FOR_SRP'] : fallbackUsername;
  if (typeof body.Session !== 'string' || body.Session === '' || !username) {
    return new ApiError(status, 'InvalidResponse', 'The sign-in service asked for a new password without a session');
  }
  const parsed = (name: string): unknown => {
    try {
      return JSON.parse(String(parameters[name] ?? ''));
    } catch {
      return undefined;
    }
  };
  const attributes = parsed('userAttributes');
  const required = parsed('requiredAttributes');
  return new NewPasswordRequiredError(status, {
    session: body.Session,
    username,
    userAttributes:
      typeof attributes === 'object' && attributes !== null
        ? Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
        : {},
    requiredAttributes: Array.isArray(required)
      ? required.filter((name): name is string => typeof name === 'string').map((name) => name.replace(/^userAttributes\./, ''))
      : [],
    expiresAt: new Date(startedAt + CHALLENGE_SESSION_MS),
  });
}

/** A JWT's lifetime in seconds (exp - iat), read without verifying it: only to know when to refresh. */
function lifetimeOf(token: string): number | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(
      atob(
        payload
          .replace(/-/g, '+')
          .replace(/_/g, '/')
          .padEnd(Math.ceil(payload.length / 4) * 4, '='),
      ),
    ) as {
      exp?: unknown;
      iat?: unknown;
    };
    return typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp > claims.iat
      ? claims.exp - claims.iat
      : undefined;
  } catch {
    return undefined;
  }
}

function deliveryOf(body: CognitoAnswer['body']): CodeDelivery | undefined {
  const details = body.CodeDeliveryDetails;
  if (typeof details?.Destination !== 'string') return undefined;
  return {
    destination: details.Destination,
    deliveryMedium: details.DeliveryMedium ?? 'EMAIL',
    attributeName: details.AttributeName ?? 'email',
  };
}

function requiredDelivery({ status, body }: CognitoAnswer): CodeDelivery {
  const delivery = deliveryOf(body);
  if (!delivery) throw new ApiError(status, 'InvalidResponse', 'The sign-in service did not say where it sent the code');
  return delivery;
}

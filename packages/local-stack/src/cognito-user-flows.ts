import { randomBytes, randomInt } from 'node:crypto';
import { createCodeAttempts, createPasswordLockout, userLimitKey, type CodeAttempts, type PasswordLockout } from '#lib/cognito-attempts';
import { createCodeStore, type CodePurpose, type CodeStore } from '#lib/cognito-codes';
import { CognitoRequestError, incorrectCredentials } from '#lib/cognito-errors';
import { attributeOf, type CognitoLocalData, type StoredClient, type StoredPool, type StoredUser } from '#lib/cognito-local-data';
import { checkPassword, temporaryPassword } from '#lib/cognito-password-policy';
import type { TokenIssuer } from '#lib/cognito-tokens';
import type { Mailbox } from '#lib/mailbox';

/**
 * What an app client does on Cognito besides proving a password, answered by the Cognito front
 * as Cognito answers it (cognito-local lacks or gets wrong most of it: see the README's Cognito
 * section): SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword,
 * RespondToAuthChallenge NEW_PASSWORD_REQUIRED, InitiateAuth REFRESH_TOKEN_AUTH, GetUser,
 * ChangePassword, GlobalSignOut and RevokeToken; and what follows a proven password (the
 * user's state, then tokens or the NEW_PASSWORD_REQUIRED challenge). cognito-local stays the user
 * store: users are read from its data folder and written through its admin API on its private
 * port (`upstream`). The deployed client hides whether a user exists (PreventUserExistenceErrors
 * ENABLED), and so do these.
 */

export interface UserFlowsOptions {
  data: CognitoLocalData;
  /** One JSON call to cognito-local's private port, unchecked (the front's own writes). */
  upstream(operation: string, payload: unknown): Promise<{ status: number; body: unknown }>;
  tokens: TokenIssuer;
  mailbox: Mailbox;
  /** Where codes are kept across restarts (memory only without one). */
  codesFile?: string;
  now?: () => number;
  lockout?: PasswordLockout;
  codeAttempts?: CodeAttempts;
  /** How long a NEW_PASSWORD_REQUIRED session can be answered: Cognito's 3 minutes. */
  challengeLifetimeMs?: number;
}

export type UserFlows = ReturnType<typeof createUserFlows>;

interface NewPasswordChallenge {
  clientId: string;
  userPoolId: string;
  username: string;
  expiresAt: number;
}

const MAX_TEXT = 2048;
const DEFAULT_VERIFICATION = { subject: 'Your verification code', message: 'Your verification code is {####}.' };
const DEFAULT_INVITATION = { subject: 'Your temporary password', message: 'Your username is {username} and temporary password is {####}.' };

export function createUserFlows(options: UserFlowsOptions) {
  const { data, tokens, mailbox, now = Date.now, challengeLifetimeMs = 3 * 60_000 } = options;
  const lockout = options.lockout ?? createPasswordLockout({ now });
  const codeAttempts = options.codeAttempts ?? createCodeAttempts({ now });
  const codes: CodeStore = createCodeStore({ ...(options.codesFile ? { stateFile: options.codesFile } : {}), now });
  const challenges = new Map<string, NewPasswordChallenge>();
  // SignUp checks that the e-mail is free, then creates the user: one at a time, so two cannot both take it.
  let signUps = Promise.resolve();

  /** A write through cognito-local's admin API; its refusal becomes the front's answer. */
  async function write(operation: string, payload: unknown): Promise<Record<string, unknown>> {
    const answer = await options.upstream(operation, payload);
    const body = (answer.body ?? {}) as Record<string, unknown>;
    if (answer.status === 200) return body;
    const type =
      typeof body['__type'] === 'string' && !body['__type'].startsWith('CognitoLocal#') ? body['__type'] : 'InvalidParameterException';
    const message = typeof body['message'] === 'string' ? body['message'] : `The local Cognito emulator refused ${operation}`;
    throw new CognitoRequestError(answer.status >= 500 ? 400 : answer.status, type, message);
  }

  async function clientOf(call: Record<string, unknown>): Promise<{ client: StoredClient; pool: StoredPool }> {
    const clientId = text(call, 'ClientId');
    const client = await data.client(clientId);
    const pool = client && (await data.pool(client.UserPoolId));
    if (!client || !pool) throw new CognitoRequestError(400, 'ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
    return { client, pool };
  }

  /** A user as the pool finds it by the name given, if it exists and is enabled (else it answers as an unknown user). */
  async function activeUser(pool: StoredPool, username: string): Promise<StoredUser | undefined> {
    const user = await data.user(pool.Id, username);
    return user && user.Enabled !== false ? user : undefined;
  }

  const limitKey = (pool: StoredPool, user: StoredUser | undefined, username: string) => userLimitKey(pool.Id, username, user);

  async function sendCode(pool: StoredPool, user: StoredUser, purpose: CodePurpose) {
    const email = attributeOf(user, 'email')!;
    const { code } = await codes.issue(pool.Id, user.Username, purpose);
    const template = pool.VerificationMessageTemplate;
    mailbox.send({
      to: email,
      subject: template?.EmailSubject || DEFAULT_VERIFICATION.subject,
      text: (template?.EmailMessage || DEFAULT_VERIFICATION.message).replaceAll('{####}', code),
      code,
    });
    return delivery(email);
  }

  /** Checks a code with the limits: LimitExceededException after repeated wrong codes, CodeMismatch, ExpiredCode. */
  async function checkCode(pool: StoredPool, user: StoredUser | undefined, username: string, purpose: CodePurpose, given: string) {
    const key = `${purpose}:${limitKey(pool, user, username)}`;
    codeAttempts.check(key);
    const result = user ? await codes.check(pool.Id, user.Username, purpose, given) : 'mismatch';
    if (result === 'mismatch') {
      codeAttempts.failed(key);
      throw new CognitoRequestError(400, 'CodeMismatchException', 'Invalid verification code provided, please try again.');
    }
    if (result !== 'match')
      throw new CognitoRequestError(400, 'ExpiredCodeException', 'Invalid code provided, please request a code again.');
    codeAttempts.succeeded(key);
  }

  /** Tokens for a new sign-in (with a refresh token), as RespondToAuthChallenge answers them. */
  async function tokensFor(client: StoredClient, user: StoredUser): Promise<unknown> {
    const { session, refreshToken } = await tokens.startSession(client, user.Username);
    const result = tokens.mint(client, user, await data.groupsOf(client.UserPoolId, user.Username), session);
    return { ChallengeParameters: {}, AuthenticationResult: { ...result, RefreshToken: refreshToken } };
  }

  const operations: Record<string, (call: Record<string, unknown>) => Promise<unknown>> = {
    async SignUp(call) {
      const { client, pool } = await clientOf(call);
      if (pool.AdminCreateUserConfig?.AllowAdminCreateUserOnly) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'SignUp is not permitted for this user pool');
      }
      const username = text(call, 'Username');
      const byEmail = pool.UsernameAttributes?.includes('email');
      if (byEmail && !/^[^@\s]+@[^@\s]+$/.test(username))
        throw new CognitoRequestError(400, 'InvalidParameterException', 'Username should be an email.');
      const attributes = writableAttributes(client, pool, call['UserAttributes'], 'UserAttributes');
      if (byEmail) {
        const email = attributes.find((attribute) => attribute.Name === 'email');
        if (email && email.Value.toLowerCase() !== username.toLowerCase()) {
          throw new CognitoRequestError(400, 'InvalidParameterException', 'The email attribute must be the username, which is an email.');
        }
        if (!email) attributes.push({ Name: 'email', Value: username });
      }
      requireAttributes(pool, attributes);
      const password = checkPassword(call['Password'], pool.Policies?.PasswordPolicy, 'password');
      const created = signUps.then(async () => {
        if (await data.user(pool.Id, username)) {
          throw new CognitoRequestError(400, 'UsernameExistsException', 'An account with the given email already exists.');
        }
        return write('SignUp', { ClientId: client.ClientId, Username: username, Password: password, UserAttributes: attributes });
      });
      signUps = created.then(
        () => undefined,
        () => undefined,
      );
      const { UserSub: sub } = await created;
      const user = typeof sub === 'string' ? await data.user(pool.Id, sub) : undefined;
      if (!user) throw new CognitoRequestError(400, 'InternalErrorException', 'The local Cognito emulator lost the new user');
      const verifies = pool.AutoVerifiedAttributes?.includes('email');
      return {
        UserConfirmed: false,
        UserSub: sub,
        ...(verifies ? { CodeDeliveryDetails: await sendCode(pool, user, 'confirmSignUp') } : {}),
      };
    },

    async ConfirmSignUp(call) {
      const { pool } = await clientOf(call);
      const username = text(call, 'Username');
      const code = codeParameter(call, 'ConfirmationCode');
      const user = await activeUser(pool, username);
      if (user && user.UserStatus !== 'UNCONFIRMED') {
        throw new CognitoRequestError(400, 'NotAuthorizedException', `User cannot be confirmed. Current status is ${user.UserStatus}`);
      }
      await checkCode(pool, user, username, 'confirmSignUp', code);
      await write('AdminConfirmSignUp', { UserPoolId: pool.Id, Username: user!.Username });
      // The code went to the address: it is verified now.
      await write('AdminUpdateUserAttributes', {
        UserPoolId: pool.Id,
        Username: user!.Username,
        UserAttributes: [
          { Name: 'email', Value: attributeOf(user, 'email') },
          { Name: 'email_verified', Value: 'true' },
        ],
      });
      return {};
    },

    async ResendConfirmationCode(call) {
      const { pool } = await clientOf(call);
      const username = text(call, 'Username');
      const user = await activeUser(pool, username);
      if (!user || !attributeOf(user, 'email')) return { CodeDeliveryDetails: delivery(username) };
      if (user.UserStatus !== 'UNCONFIRMED') throw new CognitoRequestError(400, 'InvalidParameterException', 'User is already confirmed.');
      return { CodeDeliveryDetails: await sendCode(pool, user, 'confirmSignUp') };
    },

    async ForgotPassword(call) {
      const { pool } = await clientOf(call);
      const username = text(call, 'Username');
      const user = await activeUser(pool, username);
      // Unknown, disabled, or no verified address to send to: a code "sent" to a simulated one.
      if (!user || attributeOf(user, 'email_verified') !== 'true' || !attributeOf(user, 'email')) {
        return { CodeDeliveryDetails: delivery(username) };
      }
      if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'User password cannot be reset in the current state.');
      }
      return { CodeDeliveryDetails: await sendCode(pool, user, 'resetPassword') };
    },

    async ConfirmForgotPassword(call) {
      const { pool } = await clientOf(call);
      const username = text(call, 'Username');
      const code = codeParameter(call, 'ConfirmationCode');
      const password = checkPassword(call['Password'], pool.Policies?.PasswordPolicy, 'password');
      const user = await activeUser(pool, username);
      await checkCode(pool, user, username, 'resetPassword', code);
      await write('AdminSetUserPassword', { UserPoolId: pool.Id, Username: user!.Username, Password: password, Permanent: true });
      lockout.succeeded(limitKey(pool, user, username));
      return {};
    },

    async GetUser(call) {
      const { client, user } = await signedInUser(call);
      const readable = client.ReadAttributes?.length ? new Set([...client.ReadAttributes, 'sub']) : undefined;
      return {
        Username: user.Username,
        UserAttributes: (user.Attributes ?? []).filter((attribute) => !readable || readable.has(attribute.Name ?? '')),
      };
    },

    async ChangePassword(call) {
      const { user, pool } = await signedInUser(call);
      const previous = text(call, 'PreviousPassword');
      const proposed = checkPassword(call['ProposedPassword'], pool.Policies?.PasswordPolicy, 'proposedPassword');
      const key = limitKey(pool, user, user.Username);
      lockout.check(key);
      if (previous !== user.Password) {
        lockout.failed(key);
        throw incorrectCredentials();
      }
      lockout.succeeded(key);
      await write('AdminSetUserPassword', { UserPoolId: pool.Id, Username: user.Username, Password: proposed, Permanent: true });
      return {};
    },

    async GlobalSignOut(call) {
      const { user, pool } = await signedInUser(call);
      await tokens.endSessionsOf(pool.Id, user.Username);
      return {};
    },

    async RevokeToken(call) {
      const { client } = await clientOf(call);
      const token = text(call, 'Token', 'Token', 20_000);
      if (client.EnableTokenRevocation === false) {
        throw new CognitoRequestError(400, 'UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
      }
      await tokens.revoke(client, token);
      return {};
    },
  };

  /** The user an access token stands for (GetUser, ChangePassword, GlobalSignOut). */
  async function signedInUser(call: Record<string, unknown>) {
    const { claims, client } = await tokens.verifyAccessToken(call['AccessToken'], (clientId) => data.client(clientId));
    const pool = await data.pool(client.UserPoolId);
    const user = pool && (await data.user(pool.Id, claims.username));
    if (!pool || !user) throw new CognitoRequestError(400, 'NotAuthorizedException', 'User does not exist.');
    if (user.Enabled === false) throw new CognitoRequestError(400, 'NotAuthorizedException', 'User is disabled.');
    return { client, pool, user };
  }

  return {
    /** The operations answered here (the public ones the front takes from cognito-local). */
    handles: (operation: string) => Object.hasOwn(operations, operation),
    handle: (operation: string, call: Record<string, unknown>) => operations[operation]!(call),

    /**
     * What follows a proven password (SRP's PASSWORD_VERIFIER): the user's state as Cognito
     * checks it, then tokens, or the NEW_PASSWORD_REQUIRED challenge for a temporary password.
     */
    async signedIn(client: StoredClient, user: StoredUser): Promise<unknown> {
      if (user.Enabled === false) throw new CognitoRequestError(400, 'NotAuthorizedException', 'User is disabled.');
      if (user.UserStatus === 'UNCONFIRMED') throw new CognitoRequestError(400, 'UserNotConfirmedException', 'User is not confirmed.');
      if (user.UserStatus === 'RESET_REQUIRED') {
        throw new CognitoRequestError(400, 'PasswordResetRequiredException', 'Password reset required for the user');
      }
      if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
        const pool = await data.pool(client.UserPoolId);
        const days = pool?.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
        const setAt = Date.parse(user.UserLastModifiedDate ?? user.UserCreateDate ?? '');
        if (Number.isFinite(setAt) && setAt + days * 86_400_000 < now()) {
          throw new CognitoRequestError(
            400,
            'NotAuthorizedException',
            'Temporary password has expired and must be reset by an administrator.',
          );
        }
        for (const [session, challenge] of challenges) if (challenge.expiresAt <= now()) challenges.delete(session);
        const session = randomBytes(96).toString('base64url');
        challenges.set(session, {
          clientId: client.ClientId,
          userPoolId: client.UserPoolId,
          username: user.Username,
          expiresAt: now() + challengeLifetimeMs,
        });
        const { sub: _sub, ...attributes } = Object.fromEntries(
          (user.Attributes ?? []).map((attribute) => [attribute.Name, attribute.Value]),
        );
        return {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeParameters: {
            USER_ID_FOR_SRP: user.Username,
            requiredAttributes: JSON.stringify(
              requiredAttributeNames(pool)
                .filter((name) => !attributeOf(user, name))
                .map((name) => `userAttributes.${name}`),
            ),
            userAttributes: JSON.stringify(attributes),
          },
        };
      }
      return tokensFor(client, user);
    },

    /** RespondToAuthChallenge NEW_PASSWORD_REQUIRED: the Session of a proven temporary password, a password the policy accepts. */
    async newPassword(call: Record<string, unknown>): Promise<unknown> {
      const { client, pool } = await clientOf(call);
      const sessionId = text(call, 'Session', 'Session', 4096);
      const responses = call['ChallengeResponses'];
      if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
        throw new CognitoRequestError(400, 'InvalidParameterException', 'Missing required parameter ChallengeResponses');
      }
      const challenge = challenges.get(sessionId);
      if (!challenge || challenge.expiresAt <= now() || challenge.clientId !== client.ClientId) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid session for the user, session is expired.');
      }
      const given = text(responses as Record<string, unknown>, 'USERNAME', 'ChallengeResponses.USERNAME');
      const user = await data.user(pool.Id, given);
      if (!user || user.Username !== challenge.username) throw incorrectCredentials();
      const password = checkPassword((responses as Record<string, unknown>)['NEW_PASSWORD'], pool.Policies?.PasswordPolicy, 'NEW_PASSWORD');
      const changes = Object.entries(responses as Record<string, unknown>)
        .filter(([name]) => name.startsWith('userAttributes.'))
        .map(([name, value]) => ({ Name: name.slice('userAttributes.'.length), Value: value }));
      const attributes = writableAttributes(client, pool, changes, 'ChallengeResponses');
      requireAttributes(pool, [
        ...(user.Attributes ?? []).map(({ Name, Value }) => ({ Name: Name ?? '', Value: Value ?? '' })),
        ...attributes,
      ]);
      if (attributes.some((attribute) => attribute.Name === 'email')) {
        throw new CognitoRequestError(400, 'InvalidParameterException', 'Cannot modify the email, which is the username, here.');
      }
      challenges.delete(sessionId);
      if (attributes.length)
        await write('AdminUpdateUserAttributes', { UserPoolId: pool.Id, Username: user.Username, UserAttributes: attributes });
      await write('AdminSetUserPassword', { UserPoolId: pool.Id, Username: user.Username, Password: password, Permanent: true });
      return tokensFor(client, (await data.user(pool.Id, user.Username)) ?? user);
    },

    /** InitiateAuth REFRESH_TOKEN_AUTH (or REFRESH_TOKEN): new ID and access tokens, no new refresh token. */
    async refresh(client: StoredClient, call: Record<string, unknown>): Promise<unknown> {
      const parameters = call['AuthParameters'];
      const refreshToken = (parameters as Record<string, unknown> | null)?.['REFRESH_TOKEN'];
      if (typeof refreshToken !== 'string' || refreshToken === '' || refreshToken.length > 20_000) {
        throw new CognitoRequestError(400, 'InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
      }
      const session = tokens.sessionOf(client, refreshToken);
      const user = await data.user(client.UserPoolId, session.username);
      if (!user) throw new CognitoRequestError(400, 'NotAuthorizedException', 'Invalid Refresh Token.');
      if (user.Enabled === false) throw new CognitoRequestError(400, 'NotAuthorizedException', 'User is disabled.');
      const result = tokens.mint(client, user, await data.groupsOf(client.UserPoolId, user.Username), session);
      return { ChallengeParameters: {}, AuthenticationResult: result };
    },

    /** The password lockout, for the SRP front (it counts wrong passwords). */
    lockout,

    /**
     * AdminCreateUser as Cognito does it: a TemporaryPassword the policy accepts (one made up when
     * none is given), and the invitation e-mailed with it unless MessageAction is SUPPRESS
     * (cognito-local would try SMS by default, and make a 6-character password). RESEND sends a
     * new temporary password to a user who has not chosen one yet. Answers the call itself.
     */
    async adminCreateUser(call: Record<string, unknown>): Promise<unknown> {
      const poolId = text(call, 'UserPoolId');
      const pool = await data.pool(poolId);
      if (!pool) throw new CognitoRequestError(400, 'ResourceNotFoundException', `User pool ${poolId} does not exist.`);
      const policy = pool.Policies?.PasswordPolicy;
      const temporary =
        call['TemporaryPassword'] === undefined
          ? temporaryPassword(policy, (max) => randomInt(max))
          : checkPassword(call['TemporaryPassword'], policy, 'temporaryPassword');
      const action = call['MessageAction'];
      let user: StoredUser | undefined;
      let answer: Record<string, unknown>;
      if (action === 'RESEND') {
        const existing = await data.user(pool.Id, text(call, 'Username'));
        if (!existing) throw new CognitoRequestError(400, 'UserNotFoundException', 'User does not exist.');
        if (existing.UserStatus !== 'FORCE_CHANGE_PASSWORD') {
          throw new CognitoRequestError(
            400,
            'UnsupportedUserStateException',
            `Resend not possible. ${existing.Username} status is not FORCE_CHANGE_PASSWORD.`,
          );
        }
        await write('AdminSetUserPassword', { UserPoolId: pool.Id, Username: existing.Username, Password: temporary, Permanent: false });
        user = (await data.user(pool.Id, existing.Username)) ?? existing;
        answer = {
          User: {
            Username: user.Username,
            Attributes: user.Attributes,
            Enabled: user.Enabled,
            UserStatus: user.UserStatus,
            UserCreateDate: dateSeconds(user.UserCreateDate),
            UserLastModifiedDate: dateSeconds(user.UserLastModifiedDate),
          },
        };
      } else {
        // cognito-local would send nothing it can (SMS by default) and fail after creating the user: the front sends.
        answer = await write('AdminCreateUser', { ...call, TemporaryPassword: temporary, MessageAction: 'SUPPRESS' });
        if (action === 'SUPPRESS') return answer;
        const username = (answer['User'] as { Username?: unknown } | undefined)?.Username;
        user = typeof username === 'string' ? await data.user(pool.Id, username) : undefined;
      }
      const email = attributeOf(user, 'email');
      const mediums = call['DesiredDeliveryMediums'];
      if (email && (!Array.isArray(mediums) || mediums.includes('EMAIL'))) {
        const template = pool.AdminCreateUserConfig?.InviteMessageTemplate;
        mailbox.send({
          to: email,
          subject: template?.EmailSubject || DEFAULT_INVITATION.subject,
          text: (template?.EmailMessage || DEFAULT_INVITATION.message).replaceAll('{username}', email).replaceAll('{####}', temporary),
          code: temporary,
        });
      }
      return answer;
    },

    /** AdminSetUserPassword: the policy holds for administrators too. */
    async checkAdminPassword(call: Record<string, unknown>): Promise<void> {
      const poolId = call['UserPoolId'];
      const pool = typeof poolId === 'string' ? await data.pool(poolId) : undefined;
      if (pool) checkPassword(call['Password'], pool.Policies?.PasswordPolicy, 'password');
    },
  };
}

/** Where Cognito says a code went, masked as it masks it: `a***@e***`. */
function delivery(email: string) {
  const [local = '', domain = ''] = email.split('@');
  return { Destination: `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`, DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

function text(container: Record<string, unknown>, name: string, label = name, max = MAX_TEXT): string {
  const value = container[name];
  if (typeof value !== 'string' || value === '')
    throw new CognitoRequestError(400, 'InvalidParameterException', `Missing required parameter ${label}`);
  if (value.length > max) throw new CognitoRequestError(400, 'InvalidParameterException', `${label} is too long`);
  return value;
}

/** A code parameter: required (cognito-local took a missing one for ConfirmForgotPassword), digits and letters. */
function codeParameter(call: Record<string, unknown>, name: string): string {
  const value = call[name];
  if (typeof value !== 'string' || value === '')
    throw new CognitoRequestError(400, 'InvalidParameterException', `Missing required parameter ${name}`);
  if (!/^[\S]{1,2048}$/.test(value)) {
    throw new CognitoRequestError(
      400,
      'InvalidParameterException',
      `1 validation error detected: Value at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+`,
    );
  }
  return value;
}

/**
 * Attributes an app client sends (SignUp's UserAttributes, a challenge's userAttributes.*):
 * names in the pool's schema, that the client may write, string values within 2,048 characters.
 */
function writableAttributes(
  client: StoredClient,
  pool: StoredPool,
  value: unknown,
  parameter: string,
): Array<{ Name: string; Value: string }> {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 100)
    throw new CognitoRequestError(400, 'InvalidParameterException', `${parameter} must be a list of attributes`);
  const schema = new Set((pool.SchemaAttributes ?? []).map((attribute) => attribute.Name));
  const writable = client.WriteAttributes?.length ? new Set(client.WriteAttributes) : undefined;
  const seen = new Set<string>();
  return value.map((attribute: unknown) => {
    const { Name: name, Value: text } = (attribute ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof text !== 'string' || seen.has(name)) {
      throw new CognitoRequestError(400, 'InvalidParameterException', `${parameter}: each attribute needs one Name and a Value`);
    }
    seen.add(name);
    if (name === 'sub' || (schema.size > 0 && !schema.has(name))) {
      throw new CognitoRequestError(
        400,
        'InvalidParameterException',
        `Attributes did not conform to the schema: ${name.slice(0, 64)}: Attribute does not exist in the schema.`,
      );
    }
    if ((writable && !writable.has(name)) || name.endsWith('_verified')) {
      throw new CognitoRequestError(400, 'NotAuthorizedException', 'A client attempted to write unauthorized attribute');
    }
    if (text.length > MAX_TEXT) {
      throw new CognitoRequestError(
        400,
        'InvalidParameterException',
        `Attributes did not conform to the schema: ${name}: String must be no longer than 2048 characters`,
      );
    }
    return { Name: name, Value: text };
  });
}

function requiredAttributeNames(pool: StoredPool | undefined): string[] {
  return (pool?.SchemaAttributes ?? [])
    .filter((attribute) => attribute.Required && attribute.Name && attribute.Name !== 'sub')
    .map((attribute) => attribute.Name!);
}

function requireAttributes(pool: StoredPool, attributes: Array<{ Name: string; Value: string }>): void {
  for (const name of requiredAttributeNames(pool)) {
    if (!attributes.some((attribute) => attribute.Name === name && attribute.Value !== '')) {
      throw new CognitoRequestError(
        400,
        'InvalidParameterException',
        `Attributes did not conform to the schema: ${name}: The attribute ${name} is required`,
      );
    }
  }
}

/** cognito-local keeps dates as ISO strings; the API answers epoch seconds. */
function dateSeconds(value: string | undefined): number | undefined {
  const time = Date.parse(value ?? '');
  return Number.isFinite(time) ? time / 1000 : undefined;
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  ChangePasswordCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  ExpiredCodeException,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UserNotConfirmedException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  completeNewPassword,
  confirmForgotPassword,
  confirmSignUp,
  forgotPassword,
  NewPasswordRequiredError,
  refreshSession,
  resendConfirmationCode,
  revokeToken,
  signIn,
  signUp,
  type SignInResult,
} from '@event-photos/client';
import { ensureUserPool, startCognito, type LocalCognito, type UserPool } from '#lib/cognito';
import { cognitoPoolSettings, type TokenValidityOverrides } from '#lib/cognito-pool-settings';
import { readInfra, type Infra } from '#lib/local-infra';
import type { MailMessage } from '#lib/mailbox';
import { freePort } from '#lib/net';
import { DEMO_USERS, REPO_ROOT } from '#lib/stack';
import { publishedCognitoLocalKey, resignWithKey, stackSigningKey } from '#lib/test-support';

// The local Cognito front (cognito-admin-guard.ts with cognito-user-flows.ts, cognito-tokens.ts,
// cognito-attempts.ts) against what the deployed pool does: each flow with AWS's SDK and with
// the SPA's own client functions, and each refusal Cognito makes. The front alone, with
// cognito-local behind it and the pool and client of infra.serverless.yml (the API is not needed).

let dataDir: string;
let infra: Infra;
let cognito: LocalCognito;
let pool: UserPool;
/** Added to the front's clock: codes, temporary passwords and lockouts age without waiting. */
let clockOffset = 0;
const sdk = () =>
  new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: 'us-east-1',
    // Public operations take no signature; the SDK may still want credentials to exist.
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    maxAttempts: 1,
  });
const admin = () =>
  new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: 'us-east-1',
    credentials: cognito.adminCredentials,
    maxAttempts: 1,
  });
const app = () => ({ cognitoEndpoint: cognito.endpoint, region: 'us-east-1', clientId: pool.userPoolClientId });
const attendee = DEMO_USERS.find((user) => user.groups.length === 0)!;
let emails = 0;
/** A fresh address per test: they share one pool. */
const newEmail = (label: string) => `${label}-${++emails}@example.com`;
const STRONG = 'Strong-Password-1!';

async function mail(to: string): Promise<MailMessage[]> {
  const response = await fetch(`${cognito.mailboxUrl}/messages?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as MailMessage[];
}
const latestCode = async (to: string) => (await mail(to))[0]!.code;

/** One raw Cognito JSON call (what the SDK would refuse to send, e.g. a missing code). */
async function cognitoCall(operation: string, body: unknown) {
  const response = await fetch(cognito.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const signInAs = (email: string, password: string) => signIn({ ...app(), userPoolId: pool.userPoolId, email, password });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { name?: string; code?: string; message?: string },
  );

/** Signs up and confirms a user with the SPA's functions; resolves with its first session. */
async function confirmedUser(label: string, name = 'Test Person'): Promise<{ email: string; password: string; session: SignInResult }> {
  const email = newEmail(label);
  await signUp({ ...app(), email, password: STRONG, name });
  await confirmSignUp({ ...app(), email, code: await latestCode(email) });
  return { email, password: STRONG, session: await signInAs(email, STRONG) };
}

async function applyClientSettings(overrides: TokenValidityOverrides = {}) {
  pool = await ensureUserPool(cognito, DEMO_USERS, cognitoPoolSettings(infra, overrides));
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-cognito-flows-'));
  infra = await readInfra(REPO_ROOT);
  cognito = await startCognito({
    directory: path.join(dataDir, 'cognito'),
    port: await freePort(),
    log: () => undefined,
    now: () => Date.now() + clockOffset,
  });
  await applyClientSettings();
});

afterAll(async () => {
  await cognito?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('SignUp and ConfirmSignUp', () => {
  it('signs up with the e-mail as username and a display name; the code e-mailed confirms it; the ID token names the user', async () => {
    const email = newEmail('signup');
    const result = await signUp({ ...app(), email, password: STRONG, name: 'Ada Lovelace' });
    expect(result).toEqual({
      userSub: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userConfirmed: false,
      codeDelivery: { destination: 's***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' },
    });
    const [message, ...others] = await mail(email);
    expect(others).toEqual([]);
    expect(message).toEqual({
      to: email,
      subject: 'Your Event Photos verification code',
      text: `Your Event Photos verification code is ${message!.code}. It is valid for 24 hours.`,
      code: expect.stringMatching(/^\d{6}$/),
      sentAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(message!.sentAt) - Date.now())).toBeLessThan(60_000);

    // Not before the code: Cognito says so only to whoever knows the password.
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: 'UserNotConfirmedException' });
    await expect(signInAs(email, 'Wrong-Password-1!')).rejects.toMatchObject({ code: 'NotAuthorizedException' });

    await confirmSignUp({ ...app(), email, code: message!.code });
    const session = await signInAs(email, STRONG);
    expect(claimsOf(session.idToken)).toMatchObject({
      sub: result.userSub,
      email,
      email_verified: true,
      name: 'Ada Lovelace',
      token_use: 'id',
      aud: pool.userPoolClientId,
      iss: pool.issuer,
    });
    const client = sdk();
    try {
      const user = await client.send(new GetUserCommand({ AccessToken: session.accessToken }));
      expect(user.Username).toBe(result.userSub);
      expect(Object.fromEntries((user.UserAttributes ?? []).map(({ Name, Value }) => [Name, Value]))).toEqual({
        sub: result.userSub,
        email,
        email_verified: 'true',
        name: 'Ada Lovelace',
      });
      // Confirming twice: Cognito refuses.
      await expect(
        client.send(new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: message!.code })),
      ).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'User cannot be confirmed. Current status is CONFIRMED',
      });
    } finally {
      client.destroy();
    }
  });

  it("works with AWS's SDK too, and answers UsernameExistsException for a taken e-mail, in any case", async () => {
    const email = newEmail('sdk');
    const client = sdk();
    try {
      const signUpWith = (username: string) =>
        client.send(
          new SignUpCommand({
            ClientId: pool.userPoolClientId,
            Username: username,
            Password: STRONG,
            UserAttributes: [{ Name: 'name', Value: 'Grace Hopper' }],
          }),
        );
      const created = await signUpWith(email);
      expect(created).toMatchObject({
        UserConfirmed: false,
        UserSub: expect.any(String),
        CodeDeliveryDetails: { DeliveryMedium: 'EMAIL' },
      });
      await expect(signUpWith(email)).rejects.toBeInstanceOf(UsernameExistsException);
      await expect(signUpWith(email.toUpperCase())).rejects.toMatchObject({
        name: 'UsernameExistsException',
        message: 'An account with the given email already exists.',
      });
      await client.send(
        new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: await latestCode(email) }),
      );
      await expect(signUpWith(email)).rejects.toBeInstanceOf(UsernameExistsException);
      expect((await signInAs(email, STRONG)).idToken).toMatch(/^ey/);
    } finally {
      client.destroy();
    }
    // The demo users (admin-created) hold their addresses too.
    await expect(signUp({ ...app(), email: attendee.email, password: STRONG, name: 'x' })).rejects.toMatchObject({
      code: 'UsernameExistsException',
    });
  });

  it.each([
    ['too short', 'Short-Pw-1!', 'Password not long enough'],
    ['without upper case', 'no-upper-case-1!', 'Password must have uppercase characters'],
    ['without lower case', 'NO-LOWER-CASE-1!', 'Password must have lowercase characters'],
    ['without a number', 'No-Number-Here!!', 'Password must have numeric characters'],
    ['without a symbol', 'NoSymbolHere1234', 'Password must have symbol characters'],
  ])("refuses a password %s with the pool's policy (InvalidPasswordException)", async (_name, password, problem) => {
    const email = newEmail('policy');
    const error = await errorOf(signUp({ ...app(), email, password, name: 'x' }));
    expect(error).toMatchObject({ code: 'InvalidPasswordException', message: `Password did not conform with policy: ${problem}` });
    expect(await mail(email)).toEqual([]);
    // Nothing was created: the address is still free.
    expect((await signUp({ ...app(), email, password: STRONG, name: 'x' })).userConfirmed).toBe(false);
  });

  it('refuses a username that is not an e-mail, an attribute the client may not write, and one the schema lacks', async () => {
    await expect(signUp({ ...app(), email: 'not-an-email', password: STRONG, name: 'x' })).rejects.toMatchObject({
      code: 'InvalidParameterException',
      message: 'Username should be an email.',
    });
    const attempt = (attributes: Array<{ Name: string; Value: string }>) =>
      cognitoCall('SignUp', { ClientId: pool.userPoolClientId, Username: newEmail('attrs'), Password: STRONG, UserAttributes: attributes });
    expect(await attempt([{ Name: 'phone_number', Value: '+15555550100' }])).toMatchObject({
      status: 400,
      json: { __type: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' },
    });
    expect(await attempt([{ Name: 'email_verified', Value: 'true' }])).toMatchObject({ json: { __type: 'NotAuthorizedException' } });
    expect(await attempt([{ Name: 'custom:role', Value: 'organizer' }])).toMatchObject({ json: { __type: 'InvalidParameterException' } });
    expect(await attempt('not a list' as never)).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } });
  });

  it('refuses a wrong code (CodeMismatchException) and a missing one, which cognito-local accepted for password resets', async () => {
    const email = newEmail('wrong-code');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    const code = await latestCode(email);
    const wrong = code === '000000' ? '000001' : '000000';
    await expect(confirmSignUp({ ...app(), email, code: wrong })).rejects.toMatchObject({
      code: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    for (const missing of [{}, { ConfirmationCode: '' }, { ConfirmationCode: null }]) {
      expect(await cognitoCall('ConfirmSignUp', { ClientId: pool.userPoolClientId, Username: email, ...missing })).toMatchObject({
        status: 400,
        json: { __type: 'InvalidParameterException' },
      });
    }
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: 'UserNotConfirmedException' });
    await confirmSignUp({ ...app(), email, code });
    expect((await signInAs(email, STRONG)).idToken).toMatch(/^ey/);
  });

  it('lets a code expire after 24 hours (ExpiredCodeException); a new one (ResendConfirmationCode) replaces it', async () => {
    const email = newEmail('expiry');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    const first = await latestCode(email);
    clockOffset = 24 * 3_600_000 + 1_000;
    try {
      await expect(confirmSignUp({ ...app(), email, code: first })).rejects.toMatchObject({
        code: 'ExpiredCodeException',
        message: 'Invalid code provided, please request a code again.',
      });
      const client = sdk();
      try {
        const resent = await client.send(new ResendConfirmationCodeCommand({ ClientId: pool.userPoolClientId, Username: email }));
        expect(resent.CodeDeliveryDetails).toEqual({ Destination: 'e***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
        const messages = await mail(email);
        expect(messages).toHaveLength(2);
        const second = messages[0]!.code;
        if (second !== first) {
          await expect(
            client.send(new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: first })),
          ).rejects.toBeInstanceOf(CodeMismatchException);
        }
        await client.send(new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: second }));
        // Confirmed: nothing more to resend.
        await expect(
          client.send(new ResendConfirmationCodeCommand({ ClientId: pool.userPoolClientId, Username: email })),
        ).rejects.toMatchObject({
          name: 'InvalidParameterException',
          message: 'User is already confirmed.',
        });
      } finally {
        client.destroy();
      }
    } finally {
      clockOffset = 0;
    }
  });

  it('ends repeated wrong codes in LimitExceededException, for the right code too, until the block ends', async () => {
    const email = newEmail('limit');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    const code = await latestCode(email);
    const wrong = code === '111111' ? '222222' : '111111';
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(confirmSignUp({ ...app(), email, code: wrong })).rejects.toMatchObject({ code: 'CodeMismatchException' });
    }
    const client = sdk();
    try {
      await expect(
        client.send(new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: code })),
      ).rejects.toSatisfy(
        (error) => error instanceof LimitExceededException && error.message === 'Attempt limit exceeded, please try after some time.',
      );
      clockOffset = 15 * 60_000;
      await client.send(new ConfirmSignUpCommand({ ClientId: pool.userPoolClientId, Username: email, ConfirmationCode: code }));
    } finally {
      clockOffset = 0;
      client.destroy();
    }
  });

  it('answers for an unknown user as for a real one: codes "sent", codes that never match, limits alike', async () => {
    const nobody = newEmail('nobody');
    expect(await resendConfirmationCode({ ...app(), email: nobody })).toEqual({
      destination: 'n***@e***',
      deliveryMedium: 'EMAIL',
      attributeName: 'email',
    });
    expect(await forgotPassword({ ...app(), email: nobody })).toEqual({
      destination: 'n***@e***',
      deliveryMedium: 'EMAIL',
      attributeName: 'email',
    });
    expect(await mail(nobody)).toEqual([]);
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(confirmSignUp({ ...app(), email: nobody, code: '123456' })).rejects.toMatchObject({ code: 'CodeMismatchException' });
    }
    await expect(confirmSignUp({ ...app(), email: nobody, code: '123456' })).rejects.toMatchObject({ code: 'LimitExceededException' });
    await expect(confirmForgotPassword({ ...app(), email: nobody, code: '123456', newPassword: STRONG })).rejects.toMatchObject({
      code: 'CodeMismatchException',
    });
  });
});

describe('ForgotPassword and ConfirmForgotPassword', () => {
  it('e-mails a reset code; the code sets a new password; the old one stops working', async () => {
    const { email } = await confirmedUser('reset');
    expect(await forgotPassword({ ...app(), email })).toEqual({
      destination: 'r***@e***',
      deliveryMedium: 'EMAIL',
      attributeName: 'email',
    });
    const [message] = await mail(email);
    expect(message).toMatchObject({ to: email, code: expect.stringMatching(/^\d{6}$/), subject: 'Your Event Photos verification code' });
    expect(message!.text).toContain(message!.code);

    await expect(confirmForgotPassword({ ...app(), email, code: message!.code, newPassword: 'weakpassword' })).rejects.toMatchObject({
      code: 'InvalidPasswordException',
    });
    const wrong = message!.code === '000000' ? '000001' : '000000';
    await expect(confirmForgotPassword({ ...app(), email, code: wrong, newPassword: 'Brand-New-Pass-2!' })).rejects.toMatchObject({
      code: 'CodeMismatchException',
    });
    await confirmForgotPassword({ ...app(), email, code: message!.code, newPassword: 'Brand-New-Pass-2!' });
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    expect((await signInAs(email, 'Brand-New-Pass-2!')).idToken).toMatch(/^ey/);
    // A code works once.
    await expect(confirmForgotPassword({ ...app(), email, code: message!.code, newPassword: 'Another-Pass-3!' })).rejects.toMatchObject({
      code: 'ExpiredCodeException',
    });
  });

  it('refuses a missing code (cognito-local compared undefined with undefined and reset the password)', async () => {
    const { email } = await confirmedUser('no-code');
    // No code requested yet: cognito-local's stored code was undefined, so a call without one matched.
    for (const missing of [{}, { ConfirmationCode: '' }]) {
      expect(
        await cognitoCall('ConfirmForgotPassword', {
          ClientId: pool.userPoolClientId,
          Username: email,
          Password: 'Taken-Over-Pass-1!',
          ...missing,
        }),
      ).toMatchObject({ status: 400, json: { __type: 'InvalidParameterException' } });
    }
    const client = sdk();
    try {
      await expect(
        client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: pool.userPoolClientId,
            Username: email,
            ConfirmationCode: '123456',
            Password: 'Taken-Over-Pass-1!',
          }),
        ),
      ).rejects.toBeInstanceOf(ExpiredCodeException);
    } finally {
      client.destroy();
    }
    await expect(signInAs(email, 'Taken-Over-Pass-1!')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    expect((await signInAs(email, STRONG)).idToken).toMatch(/^ey/);
  });

  it('lets a reset code expire after 1 hour, and limits wrong codes', async () => {
    const { email } = await confirmedUser('reset-expiry');
    const client = sdk();
    try {
      await client.send(new ForgotPasswordCommand({ ClientId: pool.userPoolClientId, Username: email }));
      const code = await latestCode(email);
      clockOffset = 3_600_000 + 1_000;
      await expect(
        client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: pool.userPoolClientId,
            Username: email,
            ConfirmationCode: code,
            Password: 'Brand-New-Pass-2!',
          }),
        ),
      ).rejects.toBeInstanceOf(ExpiredCodeException);
      clockOffset = 0;
      await client.send(new ForgotPasswordCommand({ ClientId: pool.userPoolClientId, Username: email }));
      const fresh = await latestCode(email);
      const wrong = fresh === '999999' ? '999998' : '999999';
      for (let attempt = 0; attempt < 5; attempt++) {
        await expect(
          client.send(
            new ConfirmForgotPasswordCommand({
              ClientId: pool.userPoolClientId,
              Username: email,
              ConfirmationCode: wrong,
              Password: 'Brand-New-Pass-2!',
            }),
          ),
        ).rejects.toBeInstanceOf(CodeMismatchException);
      }
      await expect(
        client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: pool.userPoolClientId,
            Username: email,
            ConfirmationCode: fresh,
            Password: 'Brand-New-Pass-2!',
          }),
        ),
      ).rejects.toBeInstanceOf(LimitExceededException);
    } finally {
      clockOffset = 0;
      client.destroy();
    }
  });
});

describe('NEW_PASSWORD_REQUIRED after an invitation', () => {
  it('e-mails the temporary password; the first SRP sign-in surfaces the challenge; completeNewPassword signs in', async () => {
    const email = newEmail('invited');
    const client = admin();
    try {
      const created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: email,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
      expect(created.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    } finally {
      client.destroy();
    }
    const [invitation] = await mail(email);
    expect(invitation).toMatchObject({ to: email, subject: 'Your temporary password' });
    expect(invitation!.text).toBe(`Your username is ${email} and temporary password is ${invitation!.code}.`);
    // Cognito makes up a temporary password the policy accepts.
    expect(invitation!.code).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[^A-Za-z0-9]).{12,}$/);

    const challenge = await errorOf(signInAs(email, invitation!.code));
    expect(challenge).toBeInstanceOf(NewPasswordRequiredError);
    const { session, username, userAttributes } = challenge as NewPasswordRequiredError;
    expect(userAttributes).toMatchObject({ email, email_verified: 'true' });
    // The password reset path is closed to an account that never chose a password.
    await expect(forgotPassword({ ...app(), email })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'User password cannot be reset in the current state.',
    });

    await expect(completeNewPassword({ ...app(), session, username, newPassword: 'too-weak' })).rejects.toMatchObject({
      code: 'InvalidPasswordException',
    });
    await expect(completeNewPassword({ ...app(), session: 'not-the-session', username, newPassword: STRONG })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
    const signedIn = await completeNewPassword({ ...app(), session, username, newPassword: STRONG, name: 'Invited Person' });
    expect(claimsOf(signedIn.idToken)).toMatchObject({ email, name: 'Invited Person', token_use: 'id' });
    expect(signedIn.refreshToken).toBeTruthy();
    expect((await refreshSession({ ...app(), refreshToken: signedIn.refreshToken })).idToken).toMatch(/^ey/);
    // The session was used up; the temporary password no longer works, the chosen one does.
    await expect(completeNewPassword({ ...app(), session, username, newPassword: 'Another-Pass-1!' })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
    });
    await expect(signInAs(email, invitation!.code)).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    expect(claimsOf((await signInAs(email, STRONG)).idToken).name).toBe('Invited Person');
  });

  it("answers the challenge for AWS's SDK too; a temporary password expires after 7 days; the session after 3 minutes", async () => {
    const email = newEmail('invited-sdk');
    const client = admin();
    try {
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: email,
          TemporaryPassword: 'Temporary-Pass-1!',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      await expect(
        client.send(
          new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: newEmail('weak-temp'), TemporaryPassword: 'weak' }),
        ),
      ).rejects.toBeInstanceOf(InvalidPasswordException);
    } finally {
      client.destroy();
    }
    expect((await mail(email))[0]!.code).toBe('Temporary-Pass-1!');
    const challenge = (await errorOf(signInAs(email, 'Temporary-Pass-1!'))) as NewPasswordRequiredError;
    expect(challenge).toBeInstanceOf(NewPasswordRequiredError);

    clockOffset = 3 * 60_000;
    await expect(
      completeNewPassword({ ...app(), session: challenge.session, username: challenge.username, newPassword: STRONG }),
    ).rejects.toMatchObject({ message: 'Invalid session for the user, session is expired.' });
    clockOffset = 7 * 86_400_000 + 60_000;
    await expect(signInAs(email, 'Temporary-Pass-1!')).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    });
    clockOffset = 0;
    // The administrator sends a new temporary password (MessageAction RESEND); the old one stops working.
    const resending = admin();
    try {
      await resending.send(
        new AdminCreateUserCommand({
          UserPoolId: pool.userPoolId,
          Username: email,
          MessageAction: 'RESEND',
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } finally {
      resending.destroy();
    }
    const [resent] = await mail(email);
    expect(resent!.code).not.toBe('Temporary-Pass-1!');
    await expect(signInAs(email, 'Temporary-Pass-1!')).rejects.toMatchObject({ code: 'NotAuthorizedException' });

    const fresh = (await errorOf(signInAs(email, resent!.code))) as NewPasswordRequiredError;
    const cognitoSdk = sdk();
    try {
      const answer = await cognitoSdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.userPoolClientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: fresh.session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: STRONG, 'userAttributes.name': 'Sdk Person' },
        }),
      );
      expect(answer.AuthenticationResult).toMatchObject({
        IdToken: expect.any(String),
        AccessToken: expect.any(String),
        RefreshToken: expect.any(String),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      });
    } finally {
      clockOffset = 0;
      cognitoSdk.destroy();
    }
  });
});

describe('refresh tokens and RevokeToken', () => {
  it('REFRESH_TOKEN_AUTH gives new ID and access tokens, no new refresh token, for the same sign-in', async () => {
    const { session } = await confirmedUser('refresh');
    const refreshed = await refreshSession({ ...app(), refreshToken: session.refreshToken });
    expect(refreshed.refreshToken).toBe(session.refreshToken);
    expect(refreshed.idToken).not.toBe(session.idToken);
    expect(claimsOf(refreshed.accessToken).origin_jti).toBe(claimsOf(session.accessToken).origin_jti);
    expect(claimsOf(refreshed.idToken).auth_time).toBe(claimsOf(session.idToken).auth_time);

    const client = sdk();
    try {
      const answer = await client.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: pool.userPoolClientId,
          AuthParameters: { REFRESH_TOKEN: session.refreshToken },
        }),
      );
      expect(answer.AuthenticationResult).toEqual({
        IdToken: expect.any(String),
        AccessToken: expect.any(String),
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      });
      await expect(
        client.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: pool.userPoolClientId,
            AuthParameters: { REFRESH_TOKEN: 'forged' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token.' });
    } finally {
      client.destroy();
    }
  });

  it('RevokeToken revokes the refresh token and every access token issued from it, not other sessions', async () => {
    const { email, password, session } = await confirmedUser('revoke');
    const other = await signInAs(email, password);
    const refreshed = await refreshSession({ ...app(), refreshToken: session.refreshToken });
    await revokeToken({ ...app(), refreshToken: session.refreshToken });
    // Revoking again is not an error.
    await revokeToken({ ...app(), refreshToken: session.refreshToken });

    await expect(refreshSession({ ...app(), refreshToken: session.refreshToken })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    const client = sdk();
    try {
      for (const accessToken of [session.accessToken, refreshed.accessToken]) {
        await expect(client.send(new GetUserCommand({ AccessToken: accessToken }))).rejects.toSatisfy(
          (error) => error instanceof NotAuthorizedException && error.message === 'Access Token has been revoked',
        );
      }
      expect((await client.send(new GetUserCommand({ AccessToken: other.accessToken }))).Username).toBeTruthy();
      expect((await refreshSession({ ...app(), refreshToken: other.refreshToken })).idToken).toMatch(/^ey/);
      // With the SDK, and GlobalSignOut ends every session of the user.
      await client.send(new RevokeTokenCommand({ ClientId: pool.userPoolClientId, Token: (await signInAs(email, password)).refreshToken }));
      await client.send(new GlobalSignOutCommand({ AccessToken: other.accessToken }));
      await expect(refreshSession({ ...app(), refreshToken: other.refreshToken })).rejects.toMatchObject({
        message: 'Refresh Token has been revoked',
      });
    } finally {
      client.destroy();
    }
  });

  it('refuses to revoke a token of another client, an access token, a forged token', async () => {
    const { session } = await confirmedUser('revoke-refusals');
    const revoke = (Token: string, ClientId = pool.userPoolClientId) => cognitoCall('RevokeToken', { ClientId, Token });
    expect(await revoke(session.accessToken)).toMatchObject({ status: 400, json: { __type: 'UnsupportedTokenTypeException' } });
    expect(await revoke(unsigned(session.accessToken))).toMatchObject({
      status: 400,
      json: { __type: 'NotAuthorizedException', message: 'Invalid Access Token' },
    });
    expect(await revoke('garbage')).toMatchObject({ status: 400, json: { __type: 'NotAuthorizedException' } });
    expect(await revoke(session.refreshToken, 'no-such-client')).toMatchObject({
      status: 400,
      json: { __type: 'ResourceNotFoundException' },
    });
    expect((await refreshSession({ ...app(), refreshToken: session.refreshToken })).idToken).toMatch(/^ey/);
  });

  it('takes token lifetimes from the client settings; a short ID-token validity lets a session outlive its ID token', async () => {
    const client = admin();
    try {
      const describe = () =>
        client.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.userPoolClientId }));
      expect((await describe()).UserPoolClient).toMatchObject({
        IdTokenValidity: 60,
        AccessTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
      const { session } = await confirmedUser('lifetimes');
      const lifetime = (token: string) => claimsOf(token).exp - claimsOf(token).iat;
      expect([lifetime(session.idToken), lifetime(session.accessToken)]).toEqual([3600, 3600]);

      await applyClientSettings({ idTokenValiditySeconds: 2 });
      expect((await describe()).UserPoolClient).toMatchObject({ IdTokenValidity: 2, TokenValidityUnits: { IdToken: 'seconds' } });
      const short = await signInAs(attendee.email, attendee.password);
      expect(lifetime(short.idToken)).toBe(2);
      expect(lifetime(short.accessToken)).toBe(3600);
      expect(short.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(2_000);
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      expect(claimsOf(short.idToken).exp * 1000).toBeLessThan(Date.now());
      const renewed = await refreshSession({ ...app(), refreshToken: short.refreshToken });
      expect(claimsOf(renewed.idToken).exp * 1000).toBeGreaterThan(Date.now());
    } finally {
      await applyClientSettings();
      client.destroy();
    }
  });
});

/** The same claims, unsigned (`alg: none`), as cognito-local's GetUser accepted them. */
function unsigned(token: string): string {
  const [, payload] = token.split('.');
  return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
}

describe('access tokens (GetUser, ChangePassword)', () => {
  it.each([
    ['unsigned (alg: none)', (token: string) => unsigned(token), 'Invalid Access Token'],
    [
      'signed with the key cognito-local publishes',
      (token: string) => resignWithKey(token, {}, publishedCognitoLocalKey()),
      'Invalid Access Token',
    ],
    [
      'with a changed claim',
      (token: string) =>
        `${token.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claimsOf(token), username: 'someone-else' })).toString('base64url')}.${token.split('.')[2]}`,
      'Invalid Access Token',
    ],
    [
      'expired (signed with the stack key)',
      (token: string) => resignWithKey(token, { exp: Math.floor(Date.now() / 1000) - 1 }, stackSigningKey(dataDir)),
      'Access Token has expired',
    ],
    [
      'of a client the pool does not have',
      (token: string) => resignWithKey(token, { client_id: 'other-client' }, stackSigningKey(dataDir)),
      'Invalid Access Token',
    ],
    ['an ID token instead', (_token: string, idToken: string) => idToken, 'Invalid Access Token'],
  ])('refuses an access token %s', async (_name, make, message) => {
    const session = await signInAs(attendee.email, attendee.password);
    const token = make(session.accessToken, session.idToken);
    const client = sdk();
    try {
      await expect(client.send(new GetUserCommand({ AccessToken: token }))).rejects.toSatisfy(
        (error) => error instanceof NotAuthorizedException && error.message === message,
      );
      await expect(
        client.send(
          new ChangePasswordCommand({ AccessToken: token, PreviousPassword: attendee.password, ProposedPassword: 'Taken-Over-Pass-1!' }),
        ),
      ).rejects.toBeInstanceOf(NotAuthorizedException);
      expect(await cognitoCall('GlobalSignOut', { AccessToken: token })).toMatchObject({
        status: 400,
        json: { __type: 'NotAuthorizedException' },
      });
    } finally {
      client.destroy();
    }
    // Nothing changed: the password is the same.
    expect((await signInAs(attendee.email, attendee.password)).idToken).toMatch(/^ey/);
  });

  it('changes the password with the right previous one and a policy-compliant new one', async () => {
    const { email, session } = await confirmedUser('change');
    const client = sdk();
    try {
      const change = (PreviousPassword: string, ProposedPassword: string) =>
        client.send(new ChangePasswordCommand({ AccessToken: session.accessToken, PreviousPassword, ProposedPassword }));
      await expect(change('Wrong-Password-1!', 'Changed-Pass-22!')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      });
      await expect(change(STRONG, 'weak')).rejects.toBeInstanceOf(InvalidPasswordException);
      await change(STRONG, 'Changed-Pass-22!');
    } finally {
      client.destroy();
    }
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: 'NotAuthorizedException' });
    expect((await signInAs(email, 'Changed-Pass-22!')).idToken).toMatch(/^ey/);
  });
});

describe('wrong passwords and unknown users', () => {
  it('locks a user out after 5 wrong passwords ("Password attempts exceeded", right password too) for 1 s, then lets it in', async () => {
    const { email } = await confirmedUser('lockout');
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(signInAs(email, 'Wrong-Password-1!')).rejects.toMatchObject({ message: 'Incorrect username or password.' });
    }
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Password attempts exceeded' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await signInAs(email, STRONG)).idToken).toMatch(/^ey/);
    // Others were never locked.
    expect((await signInAs(attendee.email, attendee.password)).idToken).toMatch(/^ey/);
  });

  it('answers an unknown user exactly as a wrong password, up to the lockout', async () => {
    const { email } = await confirmedUser('twin');
    const nobody = newEmail('ghost');
    const client = sdk();
    try {
      const challengeOf = async (username: string) =>
        (
          await client.send(
            new InitiateAuthCommand({
              AuthFlow: 'USER_SRP_AUTH',
              ClientId: pool.userPoolClientId,
              AuthParameters: { USERNAME: username, SRP_A: '2' },
            }),
          )
        ).ChallengeParameters!;
      const [real, ghost] = [await challengeOf(email), await challengeOf(nobody)];
      expect(Object.keys(ghost).sort()).toEqual(Object.keys(real).sort());
      expect(ghost['USER_ID_FOR_SRP']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((await challengeOf(nobody))['SALT']).toBe(ghost['SALT']);
    } finally {
      client.destroy();
    }
    const answers = async (who: string) => {
      const seen: Array<string | undefined> = [];
      for (let attempt = 0; attempt < 6; attempt++) seen.push((await errorOf(signInAs(who, 'Wrong-Password-1!')))?.message);
      return seen;
    };
    const expected = [...Array(5).fill('Incorrect username or password.'), 'Password attempts exceeded'];
    expect(await answers(email)).toEqual(expected);
    expect(await answers(nobody)).toEqual(expected);
    const error = await errorOf(signInAs(newEmail('ghost'), STRONG));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it("tells an unconfirmed user so only after the right password (UserNotConfirmedException, AWS's SDK)", async () => {
    const email = newEmail('unconfirmed');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    await expect(signInAs(email, STRONG)).rejects.toMatchObject({ code: UserNotConfirmedException.name });
    await expect(signInAs(email, 'Wrong-Password-1!')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
  });
});

describe('the mailbox', () => {
  it('answers JSON, newest first, filtered by address in any case; other paths 404; no CORS', async () => {
    const email = newEmail('Mailbox');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    await resendConfirmationCode({ ...app(), email });
    const messages = await mail(email.toUpperCase());
    expect(messages).toHaveLength(2);
    expect(Date.parse(messages[0]!.sentAt)).toBeGreaterThanOrEqual(Date.parse(messages[1]!.sentAt));
    const response = await fetch(`${cognito.mailboxUrl}/messages?to=${encodeURIComponent(email)}`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await response.json()) as MailMessage[])[0]!.code).toBe(messages[0]!.code);
    const all = (await (await fetch(`${cognito.mailboxUrl}/messages`)).json()) as MailMessage[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${cognito.mailboxUrl}/nothing`)).status).toBe(404);
    expect((await fetch(`${cognito.mailboxUrl}/messages`, { method: 'DELETE' })).status).toBe(405);
    expect(cognito.mailboxUrl).toBe(`${cognito.endpoint}/_mailbox`);
  });
});

describe('across a restart', () => {
  it('keeps refresh tokens, revocations and codes', async () => {
    const { session: kept } = await confirmedUser('restart-kept');
    const { session: revoked } = await confirmedUser('restart-revoked');
    await revokeToken({ ...app(), refreshToken: revoked.refreshToken });
    const email = newEmail('restart-code');
    await signUp({ ...app(), email, password: STRONG, name: 'x' });
    const code = await latestCode(email);

    const port = Number(new URL(cognito.endpoint).port);
    await cognito.close();
    cognito = await startCognito({
      directory: path.join(dataDir, 'cognito'),
      port,
      log: () => undefined,
      now: () => Date.now() + clockOffset,
    });
    await applyClientSettings();

    expect((await refreshSession({ ...app(), refreshToken: kept.refreshToken })).idToken).toMatch(/^ey/);
    await expect(refreshSession({ ...app(), refreshToken: revoked.refreshToken })).rejects.toMatchObject({
      message: 'Refresh Token has been revoked',
    });
    await confirmSignUp({ ...app(), email, code });
    expect((await signInAs(email, STRONG)).idToken).toMatch(/^ey/);
  });
});

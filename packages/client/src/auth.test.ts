import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cognitoEndpointFor,
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
} from '#lib/auth';
import { ApiError } from '#lib/errors';
import { N } from '#lib/srp';
import { json, stubFetch } from '#lib/test-fetch';

const options = {
  cognitoEndpoint: 'http://127.0.0.1:9229/',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbC123',
  clientId: 'client-123',
  email: 'attendee@example.com',
  password: 'correct horse',
};

/** A PASSWORD_VERIFIER challenge as Cognito sends it (the client checks nothing the server proves). */
const challenge = (parameters: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
  json(200, {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: '9c4f2b6e1a0d3c5b7e8f9a0b1c2d3e4f',
      SRP_B: (N - 123456789n).toString(16),
      SECRET_BLOCK: Buffer.from('opaque secret block').toString('base64'),
      USER_ID_FOR_SRP: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
      USERNAME: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
      ...parameters,
    },
    ...extra,
  });
const tokens = () =>
  json(200, {
    AuthenticationResult: { IdToken: 'id.t.k', AccessToken: 'acc.t.k', RefreshToken: 'refresh', ExpiresIn: 3600, TokenType: 'Bearer' },
  });
const target = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('signIn (USER_SRP_AUTH)', () => {
  it('sends SRP_A, answers PASSWORD_VERIFIER as USER_ID_FOR_SRP and returns the tokens', async () => {
    const { requests } = stubFetch(challenge(), tokens());
    const before = Date.now();
    const result = await signIn(options);

    expect(requests).toHaveLength(2);
    const [initiate, respond] = requests;
    expect(initiate!.url).toBe('http://127.0.0.1:9229/');
    expect(initiate!.method).toBe('POST');
    expect(initiate!.headers).toEqual(target('InitiateAuth'));
    const initiateBody = JSON.parse(String(initiate!.body));
    expect(initiateBody).toEqual({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: 'client-123',
      AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: expect.stringMatching(/^[0-9a-f]{700,768}$/) },
    });
    expect(BigInt(`0x${initiateBody.AuthParameters.SRP_A}`) % N).not.toBe(0n);

    expect(respond!.headers).toEqual(target('RespondToAuthChallenge'));
    expect(JSON.parse(String(respond!.body))).toEqual({
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: 'client-123',
      ChallengeResponses: {
        USERNAME: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
        PASSWORD_CLAIM_SECRET_BLOCK: Buffer.from('opaque secret block').toString('base64'),
        TIMESTAMP: expect.stringMatching(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [1-9]\d? \d{2}:\d{2}:\d{2} UTC \d{4}$/),
        PASSWORD_CLAIM_SIGNATURE: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      },
    });
    // The password never leaves the client.
    for (const request of requests) expect(String(request.body)).not.toContain('correct horse');

    expect(result).toMatchObject({ idToken: 'id.t.k', accessToken: 'acc.t.k', refreshToken: 'refresh' });
    expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(result.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('draws a new a at every sign-in', async () => {
    const { requests } = stubFetch(challenge(), tokens(), challenge(), tokens());
    await signIn(options);
    await signIn(options);
    const srpA = (index: number) => JSON.parse(String(requests[index]!.body)).AuthParameters.SRP_A;
    expect(srpA(0)).not.toBe(srpA(2));
  });

  it('passes the challenge Session back when Cognito sends one', async () => {
    const { requests } = stubFetch(challenge({}, { Session: 'session-1' }), tokens());
    await signIn(options);
    expect(JSON.parse(String(requests[1]!.body)).Session).toBe('session-1');
  });

  it("defaults to the region's Cognito endpoint", async () => {
    const { requests } = stubFetch(
      challenge(),
      json(200, { AuthenticationResult: { IdToken: 'i', AccessToken: 'a', RefreshToken: 'r', ExpiresIn: 60 } }),
    );
    const { cognitoEndpoint: _omitted, ...rest } = options;
    await signIn(rest);
    expect(requests.map((request) => request.url)).toEqual([
      'https://cognito-idp.eu-west-1.amazonaws.com/',
      'https://cognito-idp.eu-west-1.amazonaws.com/',
    ]);
    expect(cognitoEndpointFor('ap-northeast-2')).toBe('https://cognito-idp.ap-northeast-2.amazonaws.com/');
  });

  it("reports a wrong password with Cognito's exception name and message", async () => {
    stubFetch(challenge(), json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }));
    const error = await signIn(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('reports an InitiateAuth refusal, stripping the namespace from a fully qualified __type', async () => {
    const { requests } = stubFetch(json(400, { __type: 'com.amazonaws.cognito#UserNotFoundException', message: 'User does not exist.' }));
    await expect(signIn(options)).rejects.toMatchObject({ code: 'UserNotFoundException', message: 'User does not exist.' });
    expect(requests).toHaveLength(1);
  });

  it.each([
    ['before the password step', [json(200, { ChallengeName: 'CUSTOM_CHALLENGE', Session: 's' })]],
    ['after the password step', [challenge(), json(200, { ChallengeName: 'SMS_MFA', Session: 's', ChallengeParameters: {} })]],
  ])('refuses a challenge it cannot answer %s', async (_when, replies) => {
    stubFetch(...replies);
    await expect(signIn(options)).rejects.toMatchObject({
      name: 'ApiError',
      code: 'ChallengeRequired',
      message: expect.stringMatching(/CUSTOM_CHALLENGE|SMS_MFA/),
    });
  });

  it('surfaces NEW_PASSWORD_REQUIRED as a NewPasswordRequiredError carrying what completeNewPassword needs', async () => {
    stubFetch(
      challenge(),
      json(200, {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: 'session-2',
        ChallengeParameters: {
          USER_ID_FOR_SRP: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
          requiredAttributes: '["userAttributes.name"]',
          userAttributes: '{"email":"attendee@example.com","email_verified":"true"}',
        },
      }),
    );
    const before = Date.now();
    const error = (await signIn(options).catch((caught: unknown) => caught)) as NewPasswordRequiredError;
    expect(error).toBeInstanceOf(NewPasswordRequiredError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      name: 'NewPasswordRequiredError',
      code: 'ChallengeRequired',
      challengeName: 'NEW_PASSWORD_REQUIRED',
      session: 'session-2',
      username: '2bdfea6a-1255-42df-9678-fc0843d5afc7',
      userAttributes: { email: 'attendee@example.com', email_verified: 'true' },
      requiredAttributes: ['name'],
      message: expect.stringContaining('NEW_PASSWORD_REQUIRED'),
    });
    expect(error.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 180_000);
    expect(error.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 180_000);
  });

  it('takes the SRP user id for a NEW_PASSWORD_REQUIRED that names none, and refuses one without a session', async () => {
    stubFetch(challenge(), json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's', ChallengeParameters: {} }));
    await expect(signIn(options)).rejects.toMatchObject({ username: '2bdfea6a-1255-42df-9678-fc0843d5afc7', requiredAttributes: [] });
    stubFetch(challenge(), json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', ChallengeParameters: {} }));
    await expect(signIn(options)).rejects.toMatchObject({ name: 'ApiError', code: 'InvalidResponse' });
  });

  it('sets expiresAt by the shorter of the ID and access tokens, from their own lifetimes', async () => {
    const jwt = (lifetime: number) =>
      `h.${Buffer.from(JSON.stringify({ iat: 2_000_000_000, exp: 2_000_000_000 + lifetime })).toString('base64url')}.s`;
    stubFetch(
      challenge(),
      json(200, { AuthenticationResult: { IdToken: jwt(5), AccessToken: jwt(3600), RefreshToken: 'r', ExpiresIn: 3600 } }),
    );
    const before = Date.now();
    const { expiresAt } = await signIn(options);
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(before + 5_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it.each([
    ['no SRP_B', { SRP_B: '' }],
    ['an SRP_B that is not hex', { SRP_B: 'zz' }],
    ['B = N (B mod N = 0)', { SRP_B: N.toString(16) }],
    ['no SALT', { SALT: '' }],
    ['no SECRET_BLOCK', { SECRET_BLOCK: '' }],
    ['a SECRET_BLOCK that is not base64', { SECRET_BLOCK: '%%%' }],
    ['no USER_ID_FOR_SRP', { USER_ID_FOR_SRP: '' }],
  ])('rejects a challenge with %s without answering it', async (_name, parameters) => {
    const { requests } = stubFetch(challenge(parameters));
    await expect(signIn(options)).rejects.toMatchObject({ name: 'ApiError', code: 'InvalidResponse' });
    expect(requests).toHaveLength(1);
  });

  it.each([
    ['no tokens', {}],
    ['no refresh token', { AuthenticationResult: { IdToken: 'i', AccessToken: 'a', ExpiresIn: 60 } }],
  ])('rejects an answer with %s', async (_name, body) => {
    stubFetch(challenge(), json(200, body));
    await expect(signIn(options)).rejects.toMatchObject({
      code: 'InvalidResponse',
      message: 'The sign-in service answered without tokens',
    });
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    stubFetch(new TypeError('Failed to fetch'));
    await expect(signIn(options)).rejects.toMatchObject({
      status: 0,
      code: 'NetworkError',
      message: expect.stringContaining('Failed to fetch'),
    });
  });

  it('refuses a user pool id it cannot take the pool name from, before any request', async () => {
    const { requests } = stubFetch();
    await expect(signIn({ ...options, userPoolId: 'AbC123' })).rejects.toThrow(TypeError);
    expect(requests).toHaveLength(0);
  });

  it('says why when the page has no WebCrypto (not a secure context)', async () => {
    const { requests } = stubFetch();
    vi.stubGlobal('crypto', {});
    await expect(signIn(options)).rejects.toThrow('WebCrypto');
    expect(requests).toHaveLength(0);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    stubFetch(() => {
      controller.abort();
      return challenge();
    });
    await expect(signIn({ ...options, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

const app = { cognitoEndpoint: 'http://127.0.0.1:9229/', region: 'eu-west-1', clientId: 'client-123' };
const delivered = { CodeDeliveryDetails: { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
const codeDelivery = { destination: 'a***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' };
const sent = (request: { headers: Record<string, string>; body: unknown }) => ({
  target: request.headers['x-amz-target'],
  body: JSON.parse(String(request.body)),
});

describe('signUp and its confirmation code', () => {
  it('signs up with the e-mail as username and the display name as `name`', async () => {
    const { requests } = stubFetch(json(200, { UserConfirmed: false, UserSub: 'sub-1', ...delivered }));
    const result = await signUp({ ...app, email: 'new@example.com', password: 'Correct-Horse-1!', name: 'Jo Doe' });
    expect(result).toEqual({ userSub: 'sub-1', userConfirmed: false, codeDelivery });
    expect(requests[0]!.url).toBe('http://127.0.0.1:9229/');
    expect(sent(requests[0]!)).toEqual({
      target: 'AWSCognitoIdentityProviderService.SignUp',
      body: {
        ClientId: 'client-123',
        Username: 'new@example.com',
        Password: 'Correct-Horse-1!',
        UserAttributes: [
          { Name: 'email', Value: 'new@example.com' },
          { Name: 'name', Value: 'Jo Doe' },
        ],
      },
    });
  });

  it("reports Cognito's refusals by name (a taken e-mail, a weak password)", async () => {
    stubFetch(
      json(400, { __type: 'UsernameExistsException', message: 'An account with the given email already exists.' }),
      json(400, { __type: 'InvalidPasswordException', message: 'Password did not conform with policy: Password not long enough' }),
    );
    const input = { ...app, email: 'taken@example.com', password: 'x', name: 'Jo' };
    await expect(signUp(input)).rejects.toMatchObject({ name: 'ApiError', status: 400, code: 'UsernameExistsException' });
    await expect(signUp(input)).rejects.toMatchObject({ code: 'InvalidPasswordException', message: expect.stringContaining('policy') });
  });

  it('rejects a sign-up answer without the user id', async () => {
    stubFetch(json(200, { UserConfirmed: false }));
    await expect(signUp({ ...app, email: 'a@example.com', password: 'p', name: 'n' })).rejects.toMatchObject({ code: 'InvalidResponse' });
  });

  it('confirms with the code, and sends a new one', async () => {
    const { requests } = stubFetch(json(200, {}), json(200, delivered));
    await confirmSignUp({ ...app, email: 'new@example.com', code: '123456' });
    expect(await resendConfirmationCode({ ...app, email: 'new@example.com' })).toEqual(codeDelivery);
    expect(requests.map(sent)).toEqual([
      {
        target: 'AWSCognitoIdentityProviderService.ConfirmSignUp',
        body: { ClientId: 'client-123', Username: 'new@example.com', ConfirmationCode: '123456' },
      },
      { target: 'AWSCognitoIdentityProviderService.ResendConfirmationCode', body: { ClientId: 'client-123', Username: 'new@example.com' } },
    ]);
  });

  it('reports a wrong, expired or over-guessed code by name', async () => {
    stubFetch(
      json(400, { __type: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.' }),
      json(400, { __type: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.' }),
      json(400, { __type: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' }),
    );
    for (const code of ['CodeMismatchException', 'ExpiredCodeException', 'LimitExceededException']) {
      await expect(confirmSignUp({ ...app, email: 'new@example.com', code: '000000' })).rejects.toMatchObject({ code });
    }
  });
});

describe('password reset', () => {
  it('asks for a code, then sets the new password with it', async () => {
    const { requests } = stubFetch(json(200, delivered), json(200, {}));
    expect(await forgotPassword({ ...app, email: 'a@example.com' })).toEqual(codeDelivery);
    await confirmForgotPassword({ ...app, email: 'a@example.com', code: '654321', newPassword: 'New-Password-1!' });
    expect(requests.map(sent)).toEqual([
      { target: 'AWSCognitoIdentityProviderService.ForgotPassword', body: { ClientId: 'client-123', Username: 'a@example.com' } },
      {
        target: 'AWSCognitoIdentityProviderService.ConfirmForgotPassword',
        body: { ClientId: 'client-123', Username: 'a@example.com', ConfirmationCode: '654321', Password: 'New-Password-1!' },
      },
    ]);
  });

  it('rejects an answer that does not say where the code went', async () => {
    stubFetch(json(200, {}));
    await expect(forgotPassword({ ...app, email: 'a@example.com' })).rejects.toMatchObject({ code: 'InvalidResponse' });
  });
});

describe('completeNewPassword', () => {
  it('answers NEW_PASSWORD_REQUIRED with the session, the user id, the password and the name; signed in', async () => {
    const { requests } = stubFetch(tokens());
    const result = await completeNewPassword({
      ...app,
      session: 'session-2',
      username: 'user-id',
      newPassword: 'New-Password-1!',
      name: 'Jo',
    });
    expect(result).toMatchObject({ idToken: 'id.t.k', accessToken: 'acc.t.k', refreshToken: 'refresh' });
    expect(sent(requests[0]!)).toEqual({
      target: 'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
      body: {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ClientId: 'client-123',
        Session: 'session-2',
        ChallengeResponses: { USERNAME: 'user-id', NEW_PASSWORD: 'New-Password-1!', 'userAttributes.name': 'Jo' },
      },
    });
  });

  it('sends no name when none is given, and reports an expired session', async () => {
    const { requests } = stubFetch(
      json(400, { __type: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' }),
    );
    await expect(completeNewPassword({ ...app, session: 's', username: 'u', newPassword: 'p' })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
    });
    expect(sent(requests[0]!).body.ChallengeResponses).toEqual({ USERNAME: 'u', NEW_PASSWORD: 'p' });
  });
});

describe('refreshSession and revokeToken', () => {
  it('gets new ID and access tokens and keeps the refresh token it was given', async () => {
    const { requests } = stubFetch(
      json(200, { AuthenticationResult: { IdToken: 'id2', AccessToken: 'acc2', ExpiresIn: 3600, TokenType: 'Bearer' } }),
    );
    const before = Date.now();
    const result = await refreshSession({ ...app, refreshToken: 'refresh-1' });
    expect(result).toMatchObject({ idToken: 'id2', accessToken: 'acc2', refreshToken: 'refresh-1' });
    expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(sent(requests[0]!)).toEqual({
      target: 'AWSCognitoIdentityProviderService.InitiateAuth',
      body: { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: 'client-123', AuthParameters: { REFRESH_TOKEN: 'refresh-1' } },
    });
  });

  it('reports a revoked refresh token', async () => {
    stubFetch(json(400, { __type: 'NotAuthorizedException', message: 'Refresh Token has been revoked' }));
    await expect(refreshSession({ ...app, refreshToken: 'gone' })).rejects.toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('revokes with the client id', async () => {
    const { requests } = stubFetch(json(200, {}));
    await revokeToken({ ...app, refreshToken: 'refresh-1' });
    expect(sent(requests[0]!)).toEqual({
      target: 'AWSCognitoIdentityProviderService.RevokeToken',
      body: { ClientId: 'client-123', Token: 'refresh-1' },
    });
  });
});

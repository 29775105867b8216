import { afterEach, describe, expect, it, vi } from 'vitest';
import { cognitoEndpointFor, signIn } from '#lib/auth';
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
    const { requests } = stubFetch(challenge(), json(200, { AuthenticationResult: { IdToken: 'i', AccessToken: 'a', ExpiresIn: 60 } }));
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
    [
      'after the password step',
      [challenge(), json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's', ChallengeParameters: {} })],
    ],
  ])('refuses a challenge it cannot answer %s', async (_when, replies) => {
    stubFetch(...replies);
    await expect(signIn(options)).rejects.toMatchObject({
      name: 'ApiError',
      code: 'ChallengeRequired',
      message: expect.stringMatching(/CUSTOM_CHALLENGE|NEW_PASSWORD_REQUIRED/),
    });
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

  it('rejects an answer without tokens', async () => {
    stubFetch(challenge(), json(200, {}));
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

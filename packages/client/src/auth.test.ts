import { afterEach, describe, expect, it, vi } from 'vitest';
import { cognitoEndpointFor, signIn } from '#lib/auth';
import { ApiError } from '#lib/errors';
import { json, stubFetch } from '#lib/test-fetch';

const options = {
  cognitoEndpoint: 'http://127.0.0.1:9229/',
  region: 'eu-west-1',
  clientId: 'client-123',
  email: 'attendee@example.com',
  password: 'correct horse',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('signIn', () => {
  it('calls InitiateAuth with USER_PASSWORD_AUTH and returns the tokens', async () => {
    const { requests } = stubFetch(
      json(200, { AuthenticationResult: { IdToken: 'id.t.k', AccessToken: 'acc.t.k', RefreshToken: 'refresh', ExpiresIn: 3600, TokenType: 'Bearer' } }),
    );
    const before = Date.now();
    const result = await signIn(options);

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.url).toBe('http://127.0.0.1:9229/');
    expect(request!.method).toBe('POST');
    expect(request!.headers).toEqual({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    });
    expect(JSON.parse(String(request!.body))).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'client-123',
      AuthParameters: { USERNAME: 'attendee@example.com', PASSWORD: 'correct horse' },
    });
    expect(result).toMatchObject({ idToken: 'id.t.k', accessToken: 'acc.t.k', refreshToken: 'refresh' });
    expect(result.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(result.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("defaults to the region's Cognito endpoint", async () => {
    const { requests } = stubFetch(json(200, { AuthenticationResult: { IdToken: 'i', AccessToken: 'a', ExpiresIn: 60 } }));
    const { cognitoEndpoint: _omitted, ...rest } = options;
    await signIn(rest);
    expect(requests[0]!.url).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(cognitoEndpointFor('ap-northeast-2')).toBe('https://cognito-idp.ap-northeast-2.amazonaws.com/');
  });

  it("reports Cognito's exception name and message", async () => {
    stubFetch(json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }));
    const error = await signIn(options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('strips the namespace from a fully qualified __type', async () => {
    stubFetch(json(400, { __type: 'com.amazonaws.cognito#UserNotFoundException', message: 'User does not exist.' }));
    await expect(signIn(options)).rejects.toMatchObject({ code: 'UserNotFoundException' });
  });

  it('refuses a challenge it cannot answer', async () => {
    stubFetch(json(200, { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' }));
    await expect(signIn(options)).rejects.toMatchObject({
      name: 'ApiError',
      code: 'ChallengeRequired',
      message: expect.stringContaining('NEW_PASSWORD_REQUIRED'),
    });
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    stubFetch(new TypeError('Failed to fetch'));
    await expect(signIn(options)).rejects.toMatchObject({ status: 0, code: 'NetworkError', message: expect.stringContaining('Failed to fetch') });
  });
});

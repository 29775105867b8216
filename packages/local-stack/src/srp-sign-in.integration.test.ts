import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceSignIn, type ReferenceRequest } from '@event-photos/testing/reference-srp';
import { startLocalStack, type LocalStack } from '#lib/stack';
import { callApi, cognitoClient, signIn } from '#lib/test-support';

// Sign-in over HTTP against the local stack as on AWS: USER_SRP_AUTH through the Cognito port
// (the guard's SRP front, cognito-srp.ts), the password never sent. The app client allows only
// what the deployed one allows.

let stack: LocalStack;
let dataDir: string;

const attendee = () => stack.outputs.demoUsers.find((user) => user.groups.length === 0)!;

/** One Cognito JSON call to the public port; the answer's status, content type and body. */
async function cognitoCall(operation: string, body: unknown) {
  const response = await fetch(stack.outputs.cognitoEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    cors: response.headers.get('access-control-allow-origin'),
    json: JSON.parse(text),
  };
}

/**
 * AWS's reference client (amazon-cognito-identity-js) signing in over HTTP; `tamper` may change
 * its PASSWORD_VERIFIER answer before it is sent. Resolves with every raw answer too.
 */
async function referenceOverHttp(email: string, password: string, tamper: (request: Record<string, any>) => void = () => undefined) {
  const answers: Array<Awaited<ReturnType<typeof cognitoCall>>> = [];
  const result = await referenceSignIn({
    userPoolId: stack.outputs.userPoolId,
    clientId: stack.outputs.userPoolClientId,
    username: email,
    password,
    send: async ({ operation, params }: ReferenceRequest) => {
      if (operation === 'RespondToAuthChallenge') tamper(params);
      const answer = await cognitoCall(operation, params);
      answers.push(answer);
      if (answer.status !== 200)
        throw Object.assign(new Error(answer.json.message), { code: answer.json.__type, name: answer.json.__type });
      return answer.json;
    },
  });
  return { ...result, answers };
}

const listEvents = (token: string) => callApi(stack.outputs.apiUrl, 'GET', '/events', { token });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-srp-'));
  stack = await startLocalStack({ dataDir });
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('USER_SRP_AUTH on the local stack', () => {
  it('signs in with the SPA client code; the API accepts the ID token', async () => {
    const { idToken, accessToken, refreshToken } = await signIn(stack.outputs, attendee().email, attendee().password);
    expect(accessToken).toMatch(/^ey/);
    expect(refreshToken).toBeDefined();
    expect((await listEvents(idToken)).status).toBe(200);
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ email: attendee().email, aud: stack.outputs.userPoolClientId, token_use: 'id' });
  });

  it("signs in AWS's reference client (amazon-cognito-identity-js) too, with Cognito's answer shapes", async () => {
    const result = await referenceOverHttp(attendee().email, attendee().password);
    expect(result.error).toBeUndefined();
    const [challenge, tokens] = result.answers;
    expect(challenge).toMatchObject({ status: 200, contentType: 'application/x-amz-json-1.1', cors: '*' });
    expect(challenge!.json).toEqual({
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: {
        SALT: expect.stringMatching(/^[0-9a-f]+$/),
        SRP_B: expect.stringMatching(/^[0-9a-f]{700,768}$/),
        SECRET_BLOCK: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
        USER_ID_FOR_SRP: expect.stringMatching(/^[0-9a-f-]{36}$/),
        USERNAME: challenge!.json.ChallengeParameters.USER_ID_FOR_SRP,
      },
    });
    expect(tokens!.json).toEqual({
      ChallengeParameters: {},
      AuthenticationResult: {
        IdToken: expect.any(String),
        AccessToken: expect.any(String),
        RefreshToken: expect.any(String),
        ExpiresIn: expect.any(Number),
        TokenType: 'Bearer',
      },
    });
    const access = JSON.parse(Buffer.from(tokens!.json.AuthenticationResult.AccessToken.split('.')[1], 'base64url').toString('utf8'));
    expect(tokens!.json.AuthenticationResult.ExpiresIn).toBe(access.exp - access.iat);
    expect((await listEvents(result.idToken!)).status).toBe(200);
    // The password was in no request.
    for (const request of result.requests) expect(JSON.stringify(request.params)).not.toContain(attendee().password);
  });

  it('answers a wrong password with NotAuthorizedException (400 JSON), and an unknown user the same way', async () => {
    for (const [email, password] of [
      [attendee().email, 'Local-Attendee-2!'],
      ['nobody@example.com', attendee().password],
    ] as const) {
      const result = await referenceOverHttp(email, password);
      expect(result.answers[0]!.status).toBe(200); // a challenge either way: existence stays hidden
      expect(result.answers[1]).toMatchObject({
        status: 400,
        contentType: 'application/x-amz-json-1.1',
        cors: '*',
        json: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
      });
      await expect(signIn(stack.outputs, email, password)).rejects.toMatchObject({ status: 400, code: 'NotAuthorizedException' });
    }
  });

  it('refuses a tampered signature, and the right answer replayed', async () => {
    const tampered = await referenceOverHttp(attendee().email, attendee().password, (request) => {
      const signature = Buffer.from(request['ChallengeResponses'].PASSWORD_CLAIM_SIGNATURE, 'base64');
      signature[5] = signature[5]! ^ 0x20;
      request['ChallengeResponses'].PASSWORD_CLAIM_SIGNATURE = signature.toString('base64');
    });
    expect(tampered.answers[1]).toMatchObject({ status: 400, json: { __type: 'NotAuthorizedException' } });

    const honest = await referenceOverHttp(attendee().email, attendee().password);
    expect(honest.idToken).toMatch(/^ey/);
    const replayed = await cognitoCall('RespondToAuthChallenge', honest.requests[1]!.params);
    expect(replayed).toMatchObject({
      status: 400,
      json: { __type: 'NotAuthorizedException', message: 'Invalid session for the user, session is expired.' },
    });
  });

  it('allows exactly the deployed auth flows: USER_PASSWORD_AUTH is refused, refresh tokens work', async () => {
    const admin = cognitoClient(stack.outputs);
    try {
      const { UserPoolClient } = await admin.send(
        new DescribeUserPoolClientCommand({ UserPoolId: stack.outputs.userPoolId, ClientId: stack.outputs.userPoolClientId }),
      );
      expect([...(UserPoolClient?.ExplicitAuthFlows ?? [])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    } finally {
      admin.destroy();
    }
    const password = await cognitoCall('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: stack.outputs.userPoolClientId,
      AuthParameters: { USERNAME: attendee().email, PASSWORD: attendee().password },
    });
    expect(password).toMatchObject({
      status: 400,
      json: { __type: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client' },
    });

    const { refreshToken } = await signIn(stack.outputs, attendee().email, attendee().password);
    const refreshed = await cognitoCall('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: stack.outputs.userPoolClientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await listEvents(refreshed.json.AuthenticationResult.IdToken)).status).toBe(200);

    const unknownClient = await cognitoCall('InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: 'nope',
      AuthParameters: { USERNAME: 'a', SRP_A: '2' },
    });
    expect(unknownClient).toMatchObject({ status: 400, json: { __type: 'ResourceNotFoundException' } });
  });

  it('reads passwords as they are now: a new password works at once, the old one no longer', async () => {
    const email = 'srp-rotation@example.com';
    const admin = cognitoClient(stack.outputs);
    try {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: stack.outputs.userPoolId,
          Username: email,
          MessageAction: 'SUPPRESS',
          TemporaryPassword: 'Temporary-Pass-1!',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      );
      // An admin-created user must choose a password first: Cognito's challenge, which the app does not answer yet.
      await expect(signIn(stack.outputs, email, 'Temporary-Pass-1!')).rejects.toMatchObject({
        code: 'ChallengeRequired',
        message: expect.stringContaining('NEW_PASSWORD_REQUIRED'),
      });
      await admin.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: stack.outputs.userPoolId,
          Username: email,
          Password: 'First-Password-1!',
          Permanent: true,
        }),
      );
      expect((await signIn(stack.outputs, email, 'First-Password-1!')).idToken).toMatch(/^ey/);
      await admin.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: stack.outputs.userPoolId,
          Username: email,
          Password: 'Second-Password-2!',
          Permanent: true,
        }),
      );
      await expect(signIn(stack.outputs, email, 'First-Password-1!')).rejects.toMatchObject({ code: 'NotAuthorizedException' });
      expect((await signIn(stack.outputs, email, 'Second-Password-2!')).idToken).toMatch(/^ey/);
    } finally {
      admin.destroy();
    }
  });

  it.each([
    ['no AuthParameters', { AuthFlow: 'USER_SRP_AUTH', ClientId: 'CLIENT' }],
    [
      'SRP_A not hex',
      { AuthFlow: 'USER_SRP_AUTH', ClientId: 'CLIENT', AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: 'xyz' } },
    ],
    ['SRP_A = 0', { AuthFlow: 'USER_SRP_AUTH', ClientId: 'CLIENT', AuthParameters: { USERNAME: 'attendee@example.com', SRP_A: '00' } }],
    ['USERNAME a list', { AuthFlow: 'USER_SRP_AUTH', ClientId: 'CLIENT', AuthParameters: { USERNAME: ['a'], SRP_A: '2' } }],
  ])('answers InitiateAuth USER_SRP_AUTH with %s with 400 JSON', async (_name, body) => {
    const answer = await cognitoCall('InitiateAuth', JSON.parse(JSON.stringify(body).replaceAll('CLIENT', stack.outputs.userPoolClientId)));
    expect(answer).toMatchObject({ status: 400, contentType: 'application/x-amz-json-1.1', json: { __type: 'InvalidParameterException' } });
  });

  it.each([
    ['no ChallengeResponses', { ChallengeName: 'PASSWORD_VERIFIER', ClientId: 'CLIENT' }],
    [
      'a bad TIMESTAMP',
      {
        ChallengeName: 'PASSWORD_VERIFIER',
        ClientId: 'CLIENT',
        ChallengeResponses: { USERNAME: 'a', PASSWORD_CLAIM_SECRET_BLOCK: 'b', PASSWORD_CLAIM_SIGNATURE: 'c', TIMESTAMP: 'yesterday' },
      },
    ],
    [
      'an unknown secret block',
      {
        ChallengeName: 'PASSWORD_VERIFIER',
        ClientId: 'CLIENT',
        ChallengeResponses: {
          USERNAME: 'a',
          PASSWORD_CLAIM_SECRET_BLOCK: '!!',
          PASSWORD_CLAIM_SIGNATURE: 'c',
          TIMESTAMP: 'Tue Dec 1 09:05:07 UTC 2026',
        },
      },
    ],
  ])('answers RespondToAuthChallenge PASSWORD_VERIFIER with %s with 400 JSON', async (_name, body) => {
    const answer = await cognitoCall(
      'RespondToAuthChallenge',
      JSON.parse(JSON.stringify(body).replaceAll('CLIENT', stack.outputs.userPoolClientId)),
    );
    expect(answer).toMatchObject({
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      json: { __type: expect.stringMatching(/^(InvalidParameterException|NotAuthorizedException)$/) },
    });
  });
});

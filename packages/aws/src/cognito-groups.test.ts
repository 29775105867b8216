import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '#lib/aws-json-call';
import { type CognitoConfig, CognitoGroups, cognitoFromEnv } from '#lib/cognito-groups';

const POOL_ID = 'eu-west-1_TestPool1';
const USERNAME = '0b6e8c1a-5f2d-4c7e-9a41-3d2f7b8e6c10';
const credentials = { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'secret', sessionToken: 'role-session-token' };
const named = (...names: string[]) => names.map((GroupName) => ({ GroupName, UserPoolId: POOL_ID }));

// A stub Cognito endpoint: what each call sent, and the answers to give, in turn.
const calls: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }> = [];
const answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
const sent = () => calls.map((call) => JSON.parse(call.body) as Record<string, unknown>);
let server: Server;
let cognito: CognitoConfig;
let groups: CognitoGroups;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    calls.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
    const answer = answers.shift() ?? { status: 200, body: { Groups: [] } };
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cognito = { region: 'eu-west-1', credentials, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  groups = new CognitoGroups(cognito, POOL_ID);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  calls.length = 0;
  answers.length = 0;
});

describe('CognitoGroups.isMember', () => {
  it("asks the pool for the user by username, 60 groups a page, as the SDK's own client does, signed for cognito-idp", async () => {
    answers.push({ status: 200, body: { Groups: named('organizers') } }, { status: 200, body: { Groups: named('organizers') } });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(true);
    const sdk = new CognitoIdentityProviderClient({ region: 'eu-west-1', credentials, endpoint: cognito.endpoint! });
    try {
      await sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL_ID, Username: USERNAME, Limit: 60 }));
    } finally {
      sdk.destroy();
    }
    const [ours, theirs] = calls as [(typeof calls)[number], (typeof calls)[number]];
    for (const call of [ours, theirs]) {
      expect(call.headers['authorization']).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFUNCTION\/\d{8}\/eu-west-1\/cognito-idp\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(call.headers['x-amz-security-token']).toBe('role-session-token');
    }
    expect(ours.method).toBe(theirs.method);
    expect(ours.path).toBe(theirs.path);
    expect(JSON.parse(ours.body)).toEqual(JSON.parse(theirs.body));
    expect(JSON.parse(ours.body)).toEqual({ UserPoolId: POOL_ID, Username: USERNAME, Limit: 60 });
    for (const header of ['content-type', 'x-amz-target', 'host']) expect(ours.headers[header], header).toBe(theirs.headers[header]);
    expect(ours.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.AdminListGroupsForUser');
  });

  it('is false when the pool holds the user in other groups only, or in none', async () => {
    answers.push({ status: 200, body: { Groups: named('admins', 'Organizers') } }, { status: 200, body: { Groups: [] } });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
  });

  it('follows NextToken until the group is found, and no further', async () => {
    answers.push(
      { status: 200, body: { Groups: named('a', 'b'), NextToken: 'page-2' } },
      { status: 200, body: { Groups: named('c', 'organizers'), NextToken: 'page-3' } },
      { status: 200, body: { Groups: named('d') } },
    );
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(true);
    expect(sent().map((input) => input['NextToken'])).toEqual([undefined, 'page-2']);
    expect(sent()[1]).toEqual({ UserPoolId: POOL_ID, Username: USERNAME, Limit: 60, NextToken: 'page-2' });
  });

  it('reads every page before it says no', async () => {
    answers.push(
      { status: 200, body: { Groups: named('a'), NextToken: 'page-2' } },
      { status: 200, body: { Groups: named('b'), NextToken: 'page-3' } },
      { status: 200, body: { Groups: named('c') } },
    );
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
    expect(calls).toHaveLength(3);
  });

  it('puts a user that no longer exists in no group (the error as the SDK names it)', async () => {
    const notFound = { status: 400, body: { __type: 'UserNotFoundException', message: 'User does not exist.' } };
    answers.push(notFound, notFound);
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
    const sdk = new CognitoIdentityProviderClient({ region: 'eu-west-1', credentials, endpoint: cognito.endpoint! });
    try {
      await expect(sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: POOL_ID, Username: USERNAME }))).rejects.toBeInstanceOf(
        UserNotFoundException,
      );
    } finally {
      sdk.destroy();
    }
  });

  it('lets any other failure through: an unanswered question is no answer', async () => {
    answers.push({ status: 400, body: { __type: 'NotAuthorizedException', message: 'not authorized' } });
    await expect(groups.isMember(USERNAME, 'organizers')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'not authorized',
      status: 400,
    });
    answers.push({ status: 400, body: { __type: 'com.amazonaws.cognito#AccessDeniedException', message: 'User: ... is not authorized' } });
    await expect(groups.isMember(USERNAME, 'organizers')).rejects.toMatchObject({ name: 'AccessDeniedException' });
    answers.push({ status: 503, body: 'not json', headers: { 'x-amzn-errortype': 'ServiceUnavailable:http://internal.amazon.com/' } });
    await expect(groups.isMember(USERNAME, 'organizers')).rejects.toBeInstanceOf(AwsServiceError);
  });
});

describe('cognitoFromEnv', () => {
  const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDFUNCTION', AWS_SECRET_ACCESS_KEY: 'secret' };

  it("is Lambda's region and role, and the SDK's endpoint variable when set", () => {
    expect(cognitoFromEnv({ ...env, AWS_SESSION_TOKEN: 'token' })).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'secret', sessionToken: 'token' },
      endpoint: undefined,
    });
    expect(cognitoFromEnv({ ...env, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:9229' }).endpoint).toBe(
      'http://127.0.0.1:9229',
    );
  });

  it('names a missing setting', () => {
    expect(() => cognitoFromEnv({})).toThrow('AWS_REGION');
    expect(() => cognitoFromEnv({ AWS_REGION: 'eu-west-1' })).toThrow('AWS_ACCESS_KEY_ID');
  });
});

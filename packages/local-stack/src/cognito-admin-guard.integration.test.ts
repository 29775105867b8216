import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';
import { startLocalStack, type LocalStack } from '#lib/stack';
import { cognitoClient, createOtherClient, signIn } from '#lib/test-support';

// cognito-local answers its admin API to anyone: without the guard an attendee makes itself an organizer.
let stack: LocalStack;
let dataDir: string;

const attendee = () => stack.outputs.demoUsers.find((user) => user.groups.length === 0)!;
const promoteAttendee = () => ({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email, GroupName: 'organizers' });

function clientWith(accessKeyId: string, secretAccessKey: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: stack.outputs.cognitoEndpoint,
    region: stack.outputs.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

async function sendError(client: CognitoIdentityProviderClient, command: AdminAddUserToGroupCommand | AdminListGroupsForUserCommand) {
  try {
    await client.send(command as AdminAddUserToGroupCommand);
    return undefined;
  } catch (error) {
    return (error as { name?: string }).name;
  } finally {
    client.destroy();
  }
}

const groupsClaim = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'))['cognito:groups'];

async function createEventAs(idToken: string) {
  const response = await fetch(`${stack.outputs.apiUrl}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: `takeover-${Date.now()}`, name: 'Takeover' }),
  });
  return response.status;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-cognito-guard-'));
  stack = await startLocalStack({ dataDir });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Cognito admin API', () => {
  it.each([
    ['no credentials', false, 'MissingAuthenticationTokenException'],
    ["the attendee's own access token", true, 'IncompleteSignatureException'],
  ])('refuses an AdminAddUserToGroup with %s', async (_name, withToken, type) => {
    const { accessToken } = await signIn(stack.outputs, attendee().email, attendee().password);
    const response = await fetch(stack.outputs.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminAddUserToGroup',
        ...(withToken ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      body: JSON.stringify(promoteAttendee()),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toMatchObject({ __type: type });
  });

  it('refuses a call signed with a wrong secret or an unknown access key', async () => {
    const { accessKeyId } = stack.outputs.cognitoAdminCredentials;
    expect(await sendError(clientWith(accessKeyId, 'not-the-secret'), new AdminAddUserToGroupCommand(promoteAttendee()))).toBe(
      'InvalidSignatureException',
    );
    expect(await sendError(clientWith('AKIAUNKNOWN', 'local'), new AdminAddUserToGroupCommand(promoteAttendee()))).toBe(
      'UnrecognizedClientException',
    );
    // The credentials cognito-local's own docs use, and every SDK default of this repo before the guard.
    expect(await sendError(clientWith('local', 'local'), new AdminAddUserToGroupCommand(promoteAttendee()))).toBe(
      'UnrecognizedClientException',
    );
  });

  it('leaves the attendee outside organizers: no group claim, POST /events 403', async () => {
    const { idToken } = await signIn(stack.outputs, attendee().email, attendee().password);
    expect(groupsClaim(idToken)).toBeUndefined();
    expect(await createEventAs(idToken)).toBe(403);
  });

  it('accepts admin calls signed with the stack admin credentials', async () => {
    const admin = cognitoClient(stack.outputs);
    try {
      const groups = await admin.send(
        new AdminListGroupsForUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email }),
      );
      expect(groups.Groups).toEqual([]);
    } finally {
      admin.destroy();
    }
    expect(await createOtherClient(stack.outputs)).toMatch(/\S/);
  });

  it('still signs users in and serves the JWKS unauthenticated', async () => {
    const organizer = stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;
    const { idToken } = await signIn(stack.outputs, organizer.email, organizer.password);
    expect(groupsClaim(idToken)).toEqual(['organizers']);
    expect(await createEventAs(idToken)).toBe(201);
    const jwks = await fetch(`${stack.outputs.issuer}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
  });

  it("answers the SPA's CORS preflight for sign-in", async () => {
    const response = await fetch(stack.outputs.cognitoEndpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:4515',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

// The functions' key pair (the one in their environment) gets what their roles in serverless.yml
// allow on the pool, AdminListGroupsForUser, and is refused everything else, as IAM refuses it.
describe("Cognito admin API with the functions' credentials", () => {
  const functions = () => clientWith(LOCAL_S3_CREDENTIALS.accessKeyId, LOCAL_S3_CREDENTIALS.secretAccessKey);
  const organizer = () => stack.outputs.demoUsers.find((user) => user.groups.includes('organizers'))!;

  it('is the key pair the functions get, with the local Cognito as their SDK endpoint', () => {
    const environment = stack.functionEnvironment('updateEvent');
    expect(environment).toMatchObject({
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stack.outputs.cognitoEndpoint,
      USER_POOL_ID: stack.outputs.userPoolId,
    });
  });

  it('lists the groups of a user of the pool, by its username or its e-mail as Cognito takes either', async () => {
    const { idToken } = await signIn(stack.outputs, organizer().email, organizer().password);
    const username = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'))['cognito:username'];
    const client = functions();
    try {
      for (const name of [username, organizer().email]) {
        const listed = await client.send(
          new AdminListGroupsForUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: name, Limit: 60 }),
        );
        expect(
          listed.Groups?.map((group) => group.GroupName),
          name,
        ).toEqual(['organizers']);
      }
      const none = await client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email }),
      );
      expect(none.Groups).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it.each([
    ['AdminAddUserToGroup', () => new AdminAddUserToGroupCommand(promoteAttendee())],
    ['AdminGetUser', () => new AdminGetUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email })],
    ['AdminDeleteUser', () => new AdminDeleteUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email })],
    ['ListUsers', () => new ListUsersCommand({ UserPoolId: stack.outputs.userPoolId })],
    ['ListUserPools', () => new ListUserPoolsCommand({ MaxResults: 10 })],
    [
      'AdminListGroupsForUser on another pool',
      () => new AdminListGroupsForUserCommand({ UserPoolId: 'local_0ther', Username: attendee().email }),
    ],
  ])('refuses %s with AccessDeniedException (400), as IAM does, changing nothing', async (_name, command) => {
    const client = functions();
    try {
      const error = await client.send(command() as AdminAddUserToGroupCommand).then(
        () => undefined,
        (failure: unknown) => failure as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } },
      );
      expect(error?.name).toBe('AccessDeniedException');
      expect(error?.$metadata?.httpStatusCode).toBe(400);
      expect(error?.message).toMatch(
        /^User: arn:aws:sts::\d+:assumed-role\/.+ is not authorized to perform: cognito-idp:\w+ on resource: /,
      );
    } finally {
      client.destroy();
    }
    const admin = cognitoClient(stack.outputs);
    try {
      const groups = await admin.send(
        new AdminListGroupsForUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email }),
      );
      expect(groups.Groups).toEqual([]);
      await expect(
        admin.send(new AdminGetUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email })),
      ).resolves.toBeDefined();
    } finally {
      admin.destroy();
    }
  });

  it('refuses the key pair with a wrong secret', async () => {
    const wrong = clientWith(LOCAL_S3_CREDENTIALS.accessKeyId, 'not-the-secret');
    expect(
      await sendError(wrong, new AdminListGroupsForUserCommand({ UserPoolId: stack.outputs.userPoolId, Username: attendee().email })),
    ).toBe('InvalidSignatureException');
  });
});

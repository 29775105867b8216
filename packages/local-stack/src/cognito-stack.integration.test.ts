import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmSignUp, refreshSession, signIn, signUp } from '@event-photos/client';
import type { MailMessage } from '#lib/mailbox';
import { startLocalStack, writeOutputs, type LocalStack } from '#lib/stack';
import { callApi } from '#lib/test-support';

// The whole stack with a short ID-token validity (LocalStackOptions.cognito), as a browser test
// would start it: the mailbox in the outputs, and a session that outlives its ID token with the
// API's JWT authorizer judging the tokens.

let stack: LocalStack;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-cognito-stack-'));
  stack = await startLocalStack({ dataDir, cognito: { idTokenValiditySeconds: 2 } });
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the local stack with a short ID-token validity', () => {
  it('names the mailbox in its outputs (and outputs.json); a new account signs up, confirms with the code it finds there, signs in', async () => {
    const { outputs } = stack;
    expect(outputs.mailboxUrl).toBe(`${outputs.cognitoEndpoint}/_mailbox`);
    const file = path.join(dataDir, 'outputs.json');
    await writeOutputs(file, outputs);
    expect(JSON.parse(await readFile(file, 'utf8')).mailboxUrl).toBe(outputs.mailboxUrl);

    const app = { cognitoEndpoint: outputs.cognitoEndpoint, region: outputs.region, clientId: outputs.userPoolClientId };
    const email = 'browser-like@example.com';
    const password = 'Browser-Like-Pass-1!';
    await signUp({ ...app, email, password, name: 'Browser Like' });
    const [message] = (await (await fetch(`${outputs.mailboxUrl}/messages?to=${encodeURIComponent(email)}`)).json()) as MailMessage[];
    await confirmSignUp({ ...app, email, code: message!.code });
    const session = await signIn({ ...app, userPoolId: outputs.userPoolId, email, password });

    // The ID token lives 2 s, the session (refresh token) 30 days: the API takes the first, then refuses it.
    expect(session.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(2_000);
    expect((await callApi(outputs.apiUrl, 'GET', '/events', { token: session.idToken })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await callApi(outputs.apiUrl, 'GET', '/events', { token: session.idToken })).status).toBe(401);
    const renewed = await refreshSession({ ...app, refreshToken: session.refreshToken });
    expect((await callApi(outputs.apiUrl, 'GET', '/events', { token: renewed.idToken })).status).toBe(200);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startWebServer, type WebServer } from '@event-photos/web/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { signIn } from '@event-photos/local-stack/test-support';

// No request, however malformed, may stop a port of the local stack or get a 5xx: each answers
// 4xx (or, for bytes that are not HTTP, Node's parser may just close), and every port keeps
// answering normal requests afterwards. S3 and the CDN are covered elsewhere.
const TIMEOUT_MS = 5_000;
let stack: LocalStack;
let web: WebServer;
let dataDir: string;
let idToken: string;

type Answer = number | 'closed';
type Port = 'api' | 'dynamodb' | 'cognito' | 'web';

const urls = (): Record<Port, string> => ({
  api: stack.outputs.apiUrl,
  dynamodb: stack.outputs.dynamodbEndpoint,
  cognito: stack.outputs.cognitoEndpoint,
  web: web.url,
});
// dynalite reads the body only after it finds an Authorization that looks like SigV4.
const FAKE_SIGV4 = {
  authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
  'x-amz-date': '20260101T000000Z',
};
const TARGET: Record<Port, string> = {
  api: 'Nope.Nope',
  dynamodb: 'DynamoDB_20120810.GetItem',
  cognito: 'AWSCognitoIdentityProviderService.InitiateAuth',
  web: 'Nope.Nope',
};

/** One HTTP request with exactly this path, headers and body; its status, or a failure after TIMEOUT_MS. */
function send(
  baseUrl: string,
  {
    method = 'POST',
    path: rawPath = '/',
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path: rawPath, headers, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve('closed') : reject(error)));
    req.end(body);
  });
}

/** Bytes straight onto a socket; the status line of the answer, or 'closed'. */
function sendRaw(baseUrl: string, bytes: Buffer | string, { endAfterWrite = false } = {}): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and no close within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    socket.on('connect', () => (endAfterWrite ? socket.end(bytes) : socket.write(bytes)));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (status) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', () => undefined); // a reset is a close
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
  });
}

/** A body that stops half-way: the client goes away with the server still waiting for bytes. */
async function abortHalfWay(baseUrl: string, headers: Record<string, string>): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  await new Promise<void>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      const head = Object.entries({ host: `${hostname}:${port}`, 'content-length': '1000', ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST / HTTP/1.1\r\n${head}\r\n{"TableName": "event-photos-local", "Key": {`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 100);
    });
    socket.on('error', () => resolve());
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the server notice
}

const isRefusal = (answer: Answer) => answer === 'closed' || (answer >= 400 && answer < 500);
const is4xx = (answer: Answer) => typeof answer === 'number' && answer >= 400 && answer < 500;

async function normalRequestsWork(): Promise<void> {
  const { api, web: webUrl } = urls();
  expect(
    (await fetch(`${api}/events/${stack.outputs.demoEventId}/photos`, { headers: { authorization: `Bearer ${idToken}` } })).status,
  ).toBe(200);
  const dynamodb = new DynamoDBClient({
    endpoint: stack.outputs.dynamodbEndpoint,
    region: stack.outputs.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    expect((await dynamodb.send(new DescribeTableCommand({ TableName: stack.outputs.tableName }))).Table?.TableStatus).toBe('ACTIVE');
  } finally {
    dynamodb.destroy();
  }
  const attendee = stack.outputs.demoUsers[0]!;
  expect((await signIn(stack.outputs, attendee.email, attendee.password)).idToken).toMatch(/^ey/);
  expect((await fetch(webUrl)).status).toBe(200);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-hostile-'));
  stack = await startLocalStack({ dataDir });
  const { outputs } = stack;
  web = await startWebServer({ port: 0, config: outputs });
  const attendee = outputs.demoUsers[0]!;
  idToken = (await signIn(outputs, attendee.email, attendee.password)).idToken;
}, 60_000);

afterAll(async () => {
  await web?.close();
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe.each(['api', 'dynamodb', 'cognito', 'web'] as const)('the %s port', (port) => {
  const base = () => urls()[port];
  const json = (body: string, contentType = port === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1') => ({
    headers: { 'content-type': contentType, 'x-amz-target': TARGET[port], ...(port === 'dynamodb' ? FAKE_SIGV4 : {}) },
    body,
  });

  it.each([
    ['bad percent-encoding %E0', { method: 'GET', path: '/%E0' }],
    ['an encoded NUL', { method: 'GET', path: '/%00' }],
    ['bad percent-encoding in a POST', { path: '/%E0%A4%A', ...json('{}') }],
    ['a 2,000-character path', { method: 'GET', path: `/${'a'.repeat(2000)}` }],
    ['a 2,000-character path, POST', { path: `/${'%41'.repeat(666)}`, ...json('{}') }],
    ['invalid JSON', json('{"TableName": "event-photos-local", ')],
    ['JSON that is not an object', json('[1, 2, 3]')],
    ['JSON null', json('null')],
    ['a wrong content type', json('{}', 'text/plain')],
    ['form data', json('a=b&c=d', 'application/x-www-form-urlencoded')],
    ['binary bytes as JSON', json(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]).toString('latin1'))],
    [
      'an X-Amz-Target that does not exist',
      { headers: { ...json('{}').headers, 'x-amz-target': `${TARGET[port].split('.')[0]}.NoSuchOperation` }, body: '{}' },
    ],
    ['an X-Amz-Target without a service', { headers: { ...json('{}').headers, 'x-amz-target': 'GetItem' }, body: '{}' }],
    ['a huge header', { method: 'GET', headers: { 'x-filler': 'x'.repeat(20_000) } }],
    ['an unknown method', { method: 'PROPFIND', path: '/' }],
    ['DELETE', { method: 'DELETE', path: '/' }],
  ])(`answers %s with 4xx`, async (_name, input) => {
    const answer = await send(base(), input);
    expect(answer).toSatisfy(is4xx);
  });

  it.each([
    ['garbage bytes', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a])],
    ['a method that does not exist', 'BREW / HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['a request line without a version', 'GET /%E0\r\n\r\n'],
    ['a bad Content-Length', 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: -1\r\n\r\n'],
    ['two Content-Lengths', 'POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}'],
    ['a bad chunked body', 'POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ])('refuses %s (raw socket) without a 5xx', async (_name, bytes) => {
    expect(await sendRaw(base(), bytes, { endAfterWrite: true })).toSatisfy(isRefusal);
  });

  it('survives a body aborted half-way', async () => {
    await abortHalfWay(base(), json('').headers);
    expect(await send(base(), { method: 'GET', path: '/%E0' })).not.toBe('closed');
  });
});

describe('malformed service calls', () => {
  it('DynamoDB answers a key of the wrong type with 400', async () => {
    const dynamodb = new DynamoDBClient({
      endpoint: stack.outputs.dynamodbEndpoint,
      region: stack.outputs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const error = await dynamodb
        .send(new GetItemCommand({ TableName: stack.outputs.tableName, Key: { pk: { N: '1' }, sk: { S: 'EVENT' } } }))
        .catch((caught: { $metadata?: { httpStatusCode?: number } }) => caught);
      expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
    } finally {
      dynamodb.destroy();
    }
  });

  it.each([
    ['a key attribute as a list', '{"TableName":"event-photos-local","Key":{"pk":{"L":[]},"sk":{"S":"x"}}}'],
    ['a key value of the wrong JSON type', '{"TableName":"event-photos-local","Key":{"pk":{"S":1},"sk":{"S":"x"}}}'],
    ['a missing key', '{"TableName":"event-photos-local"}'],
    ['an unknown table', '{"TableName":"nope","Key":{"pk":{"S":"a"},"sk":{"S":"b"}}}'],
    ['a table name that is an object', '{"TableName":{"a":1},"Key":{}}'],
  ])('DynamoDB answers GetItem with %s with 4xx', async (_name, body) => {
    const answer = await send(stack.outputs.dynamodbEndpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', ...FAKE_SIGV4 },
      body,
    });
    expect(answer).toSatisfy(is4xx);
  });

  it.each([
    ['InitiateAuth', '{}'],
    ['InitiateAuth', '{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"nope","AuthParameters":{"USERNAME":"a","PASSWORD":"b"}}'],
    ['InitiateAuth', '{"AuthFlow":42,"ClientId":[],"AuthParameters":"x"}'],
    ['InitiateAuth', `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"CLIENT","AuthParameters":{}}`],
    [
      'InitiateAuth',
      `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":"attendee@example.com","PASSWORD":"Local-Attendee-1!"}}`,
    ],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT"}`],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":"attendee@example.com"}}`],
    [
      'InitiateAuth',
      `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":"attendee@example.com","SRP_A":"not hex"}}`,
    ],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":"attendee@example.com","SRP_A":"0"}}`],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":["a"],"SRP_A":{"x":1}}}`],
    [
      'InitiateAuth',
      `{"AuthFlow":"USER_SRP_AUTH","ClientId":"CLIENT","AuthParameters":{"USERNAME":"attendee@example.com","SRP_A":"${'f'.repeat(100_000)}"}}`,
    ],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{"USERNAME":"a","SRP_A":"2"}}`],
    ['InitiateAuth', `{"AuthFlow":"USER_SRP_AUTH","ClientId":{"__proto__":1},"AuthParameters":{"USERNAME":"a","SRP_A":"2"}}`],
    ['RespondToAuthChallenge', '{"ClientId":"CLIENT","ChallengeName":"PASSWORD_VERIFIER"}'],
    ['RespondToAuthChallenge', '{"ClientId":"CLIENT","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":"x"}'],
    [
      'RespondToAuthChallenge',
      '{"ClientId":"CLIENT","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"a","PASSWORD_CLAIM_SECRET_BLOCK":"b","PASSWORD_CLAIM_SIGNATURE":"c","TIMESTAMP":"d"}}',
    ],
    [
      'RespondToAuthChallenge',
      '{"ClientId":"CLIENT","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":"a","PASSWORD_CLAIM_SECRET_BLOCK":"@@@","PASSWORD_CLAIM_SIGNATURE":"c","TIMESTAMP":"Tue Dec 1 09:05:07 UTC 2026"}}',
    ],
    [
      'RespondToAuthChallenge',
      '{"ClientId":42,"ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":{"USERNAME":1,"PASSWORD_CLAIM_SECRET_BLOCK":null}}',
    ],
    ['RespondToAuthChallenge', '{"ClientId":"CLIENT","ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"garbage"}'],
    ['GetUser', '{"AccessToken":"garbage"}'],
    ['GetUser', '{}'],
    ['ChangePassword', '{"AccessToken":"a.b.c","PreviousPassword":"x","ProposedPassword":"y"}'],
    ['GlobalSignOut', '{"AccessToken":"garbage"}'],
    ['RevokeToken', '{"Token":"garbage","ClientId":"CLIENT"}'],
    // ForgotPassword for an unknown user is no hostile input: with PreventUserExistenceErrors Cognito answers 200 as for a real one.
    ['ForgotPassword', '{"ClientId":"CLIENT","Username":42}'],
    ['ConfirmForgotPassword', '{"ClientId":"CLIENT","Username":"nobody@example.com","ConfirmationCode":"1","Password":"x"}'],
    ['SignUp', '{"ClientId":"CLIENT","Username":"x","Password":"y","UserAttributes":"not a list"}'],
    ['ConfirmSignUp', '{"ClientId":"CLIENT","Username":"nobody@example.com","ConfirmationCode":"1"}'],
    ['GetTokensFromRefreshToken', '{"ClientId":"CLIENT","RefreshToken":"garbage"}'],
  ])('Cognito answers %s with %s with 4xx', async (operation, body) => {
    const answer = await send(stack.outputs.cognitoEndpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
      body: body.replaceAll('CLIENT', stack.outputs.userPoolClientId),
    });
    expect(answer).toSatisfy(is4xx);
  });
});

describe('afterwards', () => {
  it('every port still answers normal requests', async () => {
    await normalRequestsWork();
  });
});

import { createVerify, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as cloudfrontSigner from '@aws-sdk/cloudfront-signer';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CdnSigner,
  cdnSignerFromEnv,
  loadCdnPrivateKey,
  ParameterStoreError,
  parameterStoreFromEnv,
  type ParameterStoreConfig,
} from '#lib/cdn-signer';

// Counts the RSA signatures the signer makes: the SDK's own signer, wrapped.
vi.mock('@aws-sdk/cloudfront-signer', async (original) => {
  const actual = await original<typeof import('@aws-sdk/cloudfront-signer')>();
  return { ...actual, getSignedCookies: vi.fn(actual.getSignedCookies) };
});
const signatures = vi.mocked(cloudfrontSigner.getSignedCookies);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_KEY_PEM = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
const KEY_PAIR_ID = 'K2JCJMDEHXQW5F';
const CDN = 'https://d111111abcdef8.cloudfront.net';
const WINDOW = 900;
// 2026-11-30T10:07:30Z: 7.5 minutes into a 15-minute window.
const T0 = Date.UTC(2026, 10, 30, 10, 7, 30);

function signerAt(clock: { now: number }, overrides: Partial<ConstructorParameters<typeof CdnSigner>[0]> = {}) {
  return new CdnSigner({
    keyPairId: KEY_PAIR_ID,
    privateKeyPem: PRIVATE_KEY_PEM,
    cdnBaseUrl: CDN,
    windowSeconds: WINDOW,
    clock: () => clock.now,
    ...overrides,
  });
}

/** CloudFront's base64 back to bytes. */
const fromCloudFront = (text: string) => Buffer.from(text.replaceAll('-', '+').replaceAll('_', '=').replaceAll('~', '/'), 'base64');
const paramsOf = (query: string) => Object.fromEntries(new URLSearchParams(query));

beforeEach(() => {
  signatures.mockClear();
});

describe('CdnSigner', () => {
  it('signs a custom policy for every URL of the event, verifiable with the public key', () => {
    const { query, expiresAt } = signerAt({ now: T0 }).signEventUrls('demo-event');
    const params = paramsOf(query);
    expect(Object.keys(params)).toEqual(['Policy', 'Signature', 'Key-Pair-Id']);
    expect(query).toMatch(/^Policy=[A-Za-z0-9\-_~]+&Signature=[A-Za-z0-9\-_~]+&Key-Pair-Id=K2JCJMDEHXQW5F$/);
    const policy = fromCloudFront(params['Policy']!);
    // The window ends at 10:15:00; the signature lasts one more window, to 10:30:00.
    const expires = Date.UTC(2026, 10, 30, 10, 30, 0) / 1000;
    expect(policy.toString()).toBe(
      `{"Statement":[{"Resource":"${CDN}/photos/event_demo-event/*","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`,
    );
    expect(expiresAt).toBe('2026-11-30T10:30:00.000Z');
    expect(createVerify('RSA-SHA1').update(policy).verify(publicKey, fromCloudFront(params['Signature']!))).toBe(true);
    // Not the signature of a policy for another event.
    const other = fromCloudFront(paramsOf(signerAt({ now: T0 }).signEventUrls('other-event').query)['Policy']!);
    expect(createVerify('RSA-SHA1').update(other).verify(publicKey, fromCloudFront(params['Signature']!))).toBe(false);
  });

  it('answers the same query within a window, from one signature, and a new one in the next window', () => {
    const clock = { now: Date.UTC(2026, 10, 30, 10, 0, 0) };
    const signer = signerAt(clock);
    const first = signer.signEventUrls('demo-event');
    // A page of 100 photos, through the whole window.
    for (let photo = 0; photo < 100; photo++) {
      clock.now += 8_999;
      expect(signer.signEventUrls('demo-event')).toBe(first);
    }
    expect(clock.now).toBeLessThan(Date.UTC(2026, 10, 30, 10, 15, 0));
    expect(signatures).toHaveBeenCalledTimes(1);

    clock.now = Date.UTC(2026, 10, 30, 10, 15, 0);
    const next = signer.signEventUrls('demo-event');
    expect(next.query).not.toBe(first.query);
    expect(next.expiresAt).toBe('2026-11-30T10:45:00.000Z');
    expect(signatures).toHaveBeenCalledTimes(2);
  });

  it('keeps one signature per event, and none of an earlier window', () => {
    const clock = { now: T0 };
    const signer = signerAt(clock);
    const a = signer.signEventUrls('event-a');
    const b = signer.signEventUrls('event-b');
    expect(a.query).not.toBe(b.query);
    expect(signer.signEventUrls('event-a')).toBe(a);
    expect(signatures).toHaveBeenCalledTimes(2);
    clock.now += WINDOW * 1000;
    expect(signer.signEventUrls('event-b')).not.toBe(b);
    expect(signatures).toHaveBeenCalledTimes(3);
  });

  it('makes a URL last at least the grace and at most window + grace after it was signed', () => {
    for (const offset of [0, 1, 450_000, 899_999]) {
      const now = Date.UTC(2026, 10, 30, 10, 0, 0) + offset;
      const expires = Date.parse(signerAt({ now }, { graceSeconds: 600 }).signEventUrls('demo-event').expiresAt);
      expect(expires - now).toBeGreaterThan(600_000);
      expect(expires - now).toBeLessThanOrEqual((WINDOW + 600) * 1000);
    }
  });

  it('refuses what CloudFront could not check, or could match more with', () => {
    expect(() => signerAt({ now: T0 }).signEventUrls('a*')).toThrow(/Not an event id/);
    expect(() => signerAt({ now: T0 }).signEventUrls('a/../b')).toThrow(/Not an event id/);
    expect(() => signerAt({ now: T0 }, { windowSeconds: 1801 })).toThrow(/windowSeconds/);
    expect(() => signerAt({ now: T0 }, { graceSeconds: 0 })).toThrow(/graceSeconds/);
    expect(() => signerAt({ now: T0 }, { keyPairId: 'my key' })).toThrow(/key pair id/);
    expect(() => signerAt({ now: T0 }, { privateKeyPem: 'not a key' })).toThrow();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => signerAt({ now: T0 }, { privateKeyPem: ec })).toThrow(/RSA/);
    expect(() => signerAt({ now: T0 }, { cdnBaseUrl: `${CDN}/photos` })).toThrow(/base URL/);
    // A trailing slash is the same distribution.
    expect(signerAt({ now: T0 }, { cdnBaseUrl: `${CDN}/` }).eventResource('e1')).toBe(`${CDN}/photos/event_e1/*`);
  });
});

describe('the private key from Parameter Store', () => {
  // A stub SSM endpoint: what each call sent, and the answers to give, in turn.
  const calls: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
  let server: Server;
  let store: ParameterStoreConfig;
  const secureString = { Parameter: { Name: '/event-photos/dev/cdn-private-key-a', Type: 'SecureString', Value: PRIVATE_KEY_PEM } };
  const credentials = { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'secret', sessionToken: 'role-session-token' };
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    CDN_KEY_PAIR_ID: KEY_PAIR_ID,
    CDN_PRIVATE_KEY_PARAMETER: '/event-photos/dev/cdn-private-key-a',
    PHOTOS_CDN_BASE_URL: CDN,
    CDN_URL_WINDOW_SECONDS: '600',
  };

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      calls.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
      const answer = answers.shift() ?? { status: 200, body: secureString };
      response
        .writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers })
        .end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    store = { region: 'eu-west-1', credentials, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    calls.length = 0;
    answers.length = 0;
  });

  it("sends GetParameter WithDecryption as the SDK's own client does, signed for ssm with the role's session", async () => {
    await expect(loadCdnPrivateKey(store, '/event-photos/dev/cdn-private-key-a')).resolves.toBe(PRIVATE_KEY_PEM);
    await new SSMClient({ region: 'eu-west-1', credentials, endpoint: store.endpoint! }).send(
      new GetParameterCommand({ Name: '/event-photos/dev/cdn-private-key-a', WithDecryption: true }),
    );
    const [ours, sdk] = calls as [(typeof calls)[number], (typeof calls)[number]];
    for (const call of [ours, sdk]) {
      expect(call.headers['authorization']).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFUNCTION\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(call.headers['x-amz-security-token']).toBe('role-session-token');
    }
    expect(ours.method).toBe(sdk.method);
    expect(ours.path).toBe(sdk.path);
    expect(ours.body).toBe(sdk.body);
    expect(JSON.parse(ours.body)).toEqual({ Name: '/event-photos/dev/cdn-private-key-a', WithDecryption: true });
    for (const header of ['content-type', 'x-amz-target', 'host']) expect(ours.headers[header], header).toBe(sdk.headers[header]);
  });

  it('refuses a plain String, and names SSM errors as SSM does', async () => {
    answers.push({ status: 200, body: { Parameter: { ...secureString.Parameter, Type: 'String' } } });
    await expect(loadCdnPrivateKey(store, '/event-photos/dev/cdn-private-key-a')).rejects.toThrow(/must be a SecureString/);
    answers.push({ status: 400, body: { __type: 'ParameterNotFound' } });
    await expect(loadCdnPrivateKey(store, '/x')).rejects.toMatchObject({ name: 'ParameterNotFound', status: 400 });
    answers.push({ status: 400, body: { __type: 'com.amazonaws.ssm#AccessDeniedException', message: 'User: ... is not authorized' } });
    await expect(loadCdnPrivateKey(store, '/x')).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'User: ... is not authorized',
    });
    answers.push({ status: 503, body: 'not json', headers: { 'x-amzn-errortype': 'ServiceUnavailable:http://internal.amazon.com/' } });
    await expect(loadCdnPrivateKey(store, '/x')).rejects.toBeInstanceOf(ParameterStoreError);
  });

  it('fetches the key once per instance, from the start, and tries again after a failure', async () => {
    answers.push({ status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } });
    // Its store from the function's environment: Lambda's region and role, the SDK's endpoint variable.
    const signer = cdnSignerFromEnv({ env: { ...env, AWS_ENDPOINT_URL_SSM: store.endpoint } });
    // Started at once (the cold start): the first fetch fails, the invocation sees it.
    await expect(signer()).rejects.toThrow('Rate exceeded');
    const [first, second] = await Promise.all([signer(), signer()]);
    expect(first).toBe(second);
    expect(await signer()).toBe(first);
    expect(calls).toHaveLength(2);
    expect(Date.parse(first.signEventUrls('demo-event').expiresAt) % (600 * 1000)).toBe(0);
  });

  it('names a missing setting', async () => {
    const { CDN_KEY_PAIR_ID: _id, ...without } = env;
    await expect(cdnSignerFromEnv({ env: without, store })()).rejects.toThrow('Environment variable CDN_KEY_PAIR_ID is required');
    expect(() => parameterStoreFromEnv({})).toThrow('AWS_REGION');
    expect(calls).toHaveLength(0);
  });
});

import { createHash } from 'node:crypto';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signUpload } from '@event-photos/aws';
import { S3RequestError, verifySigV4, type IncomingS3Request, type VerifyOptions } from '#lib/sigv4-verifier';

// Requests signed by the SDK's own signer and presigner must pass; changing any signed element
// afterwards must fail with the code S3 answers.
const ACCESS_KEY = 'AKIDLOCALTEST';
const SECRET = 'local-test-secret';
const secretFor = (id: string) => (id === ACCESS_KEY ? SECRET : undefined);
const NOW = new Date('2026-11-10T12:00:00.000Z');
const HOST = '127.0.0.1:4512';
const REGION = 'us-east-1';

// The SDK's node hash, as its clients configure it (`Hash.bind(null, 'sha256')`).
class Sha256 extends Hash {
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    super('sha256', secret as never);
  }
}

const sha256Hex = (data: string) => createHash('sha256').update(data).digest('hex');
const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function codeOf(request: IncomingS3Request, now = NOW, options?: VerifyOptions): Promise<string> {
  try {
    await verifySigV4(request, secretFor, now, options);
    return 'OK';
  } catch (error) {
    if (error instanceof S3RequestError) return error.code;
    throw error;
  }
}

type Mutation = (request: IncomingS3Request) => IncomingS3Request;
const withHeader =
  (name: string, value: string | undefined): Mutation =>
  (request) => ({ ...request, headers: { ...request.headers, [name]: value } });
const mapQuery = (rawQuery: string, name: string, change: (value: string) => string | undefined) =>
  rawQuery
    .split('&')
    .flatMap((pair) => {
      const [key = '', value = ''] = pair.split('=');
      if (decodeURIComponent(key) !== name) return [pair];
      const changed = change(decodeURIComponent(value));
      return changed === undefined ? [] : [`${key}=${rfc3986(changed)}`];
    })
    .join('&');
const withQuery =
  (name: string, change: (value: string) => string | undefined): Mutation =>
  (request) => ({
    ...request,
    rawQuery: mapQuery(request.rawQuery, name, change),
  });
const queryNames = (rawQuery: string) => rawQuery.split('&').map((pair) => decodeURIComponent(pair.split('=')[0]!));
/** Another valid-looking value of the same shape: last character changed. */
const tweak = (value: string) => value.slice(0, -1) + (value.endsWith('a') ? 'b' : 'a');
const addSeconds = (amzDate: string, seconds: number) =>
  new Date(new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')).getTime() + seconds * 1000)
    .toISOString()
    .replace(/[-:]|\.\d{3}/g, '');

/** A PutObject signed in the Authorization header by the SDK's SignatureV4, as S3 clients send it. */
async function headerSigned(): Promise<IncomingS3Request> {
  const body = 'photo bytes';
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const query = { 'x-id': 'PutObject', tagging: 'a=b c' };
  const signed = await signer.sign(
    {
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4512,
      path: '/event-photos-local/uploads/a%20b.jpg',
      query,
      headers: {
        host: HOST,
        'content-type': 'image/jpeg',
        'x-amz-content-sha256': sha256Hex(body),
        'x-amz-meta-title': 'hello',
      },
      body,
    },
    { signingDate: NOW },
  );
  return {
    method: signed.method,
    rawPath: signed.path,
    rawQuery: Object.entries(query)
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
      .join('&'),
    headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
  };
}

/** The presigned upload URL the API hands out, from the production signer (packages/aws). */
async function presigned(): Promise<IncomingS3Request> {
  const upload = await signUpload(
    { endpoint: `http://${HOST}`, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET } },
    {
      bucket: 'event-photos-local',
      key: 'uploads/event_demo/photo 1.jpg',
      contentType: 'image/jpeg',
      size: 1234,
      metadata: { photoid: 'p1', title: 'hello' },
      expiresInSeconds: 300,
      sha256Base64: createHash('sha256').update('photo').digest('base64'),
    },
    NOW,
  );
  const url = new URL(upload.url);
  return {
    method: 'PUT',
    rawPath: url.pathname,
    rawQuery: url.search.slice(1),
    headers: { host: url.host, ...Object.fromEntries(Object.entries(upload.headers).map(([name, value]) => [name.toLowerCase(), value])) },
  };
}

describe('verifySigV4, Authorization header', async () => {
  const base = await headerSigned();
  const authorization = base.headers['authorization']!;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  const withAuthorization = (change: (value: string) => string): Mutation => withHeader('authorization', change(authorization));

  it('accepts the request as the SDK signed it', async () => {
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'content-type', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-meta-title']),
    );
    expect(await codeOf(base)).toBe('OK');
  });

  const rows: Array<[string, Mutation, string]> = [
    ['another method', (request) => ({ ...request, method: 'POST' }), 'SignatureDoesNotMatch'],
    ['another path', (request) => ({ ...request, rawPath: '/event-photos-local/uploads/other.jpg' }), 'SignatureDoesNotMatch'],
    ...queryNames(base.rawQuery).map((name): [string, Mutation, string] => [
      `query ${name} changed`,
      withQuery(name, tweak),
      'SignatureDoesNotMatch',
    ]),
    ['an added query parameter', (request) => ({ ...request, rawQuery: `${request.rawQuery}&versionId=1` }), 'SignatureDoesNotMatch'],
    ...signedHeaders
      .filter((name) => name !== 'x-amz-date')
      .map((name): [string, Mutation, string] => [
        `signed header ${name} changed`,
        withHeader(name, tweak(base.headers[name]!)),
        'SignatureDoesNotMatch',
      ]),
    ['a signed header left out', withHeader('content-type', undefined), 'SignatureDoesNotMatch'],
    ['an unsigned x-amz-* header added', withHeader('x-amz-acl', 'public-read'), 'AccessDenied'],
    ['the date a second later', withHeader('x-amz-date', addSeconds(base.headers['x-amz-date']!, 1)), 'SignatureDoesNotMatch'],
    ['the date another day', withHeader('x-amz-date', addSeconds(base.headers['x-amz-date']!, 86_400)), 'SignatureDoesNotMatch'],
    ['a malformed date', withHeader('x-amz-date', '2026-11-10T12:00:00Z'), 'AccessDenied'],
    ['another region in the scope', withAuthorization((value) => value.replace(`/${REGION}/`, '/eu-west-1/')), 'SignatureDoesNotMatch'],
    [
      'another service in the scope',
      withAuthorization((value) => value.replace('/s3/', '/cognito-idp/')),
      'AuthorizationQueryParametersError',
    ],
    ['another date in the scope', withAuthorization((value) => value.replace('/20261110/', '/20261109/')), 'SignatureDoesNotMatch'],
    ['an unknown access key', withAuthorization((value) => value.replace(ACCESS_KEY, 'AKIDOTHER')), 'InvalidAccessKeyId'],
    ['a changed signature', withAuthorization((value) => tweak(value)), 'SignatureDoesNotMatch'],
    ['host left out of SignedHeaders', withAuthorization((value) => value.replace('host;', '')), 'AccessDenied'],
    ['no Authorization', withHeader('authorization', undefined), 'AccessDenied'],
    ['another auth scheme', withHeader('authorization', 'Bearer token'), 'InvalidArgument'],
  ];

  it.each(rows)('refuses %s', async (_name, mutate, code) => {
    expect(await codeOf(mutate(base))).toBe(code);
  });

  it('refuses a request signed with another secret', async () => {
    const other = await verifySigV4(base, () => 'another-secret', NOW).catch((error: S3RequestError) => error.code);
    expect(other).toBe('SignatureDoesNotMatch');
  });

  it.each([
    ['16 minutes late', 16 * 60],
    ['16 minutes early', -16 * 60],
  ])('refuses a request %s (clock skew)', async (_name, seconds) => {
    expect(await codeOf(base, new Date(NOW.getTime() + seconds * 1000))).toBe('RequestTimeTooSkewed');
  });
});

describe('verifySigV4, presigned URL', async () => {
  const base = await presigned();
  const signedHeaders = new URLSearchParams(base.rawQuery).get('X-Amz-SignedHeaders')!.split(';');

  it('accepts the upload URL as the presigner made it', async () => {
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'content-type', 'content-length', 'cache-control', 'if-none-match', 'x-amz-checksum-sha256']),
    );
    expect(await codeOf(base)).toBe('OK');
  });

  // Each parameter of the URL, changed in a way that keeps its shape.
  const queryChange: Record<string, [(value: string) => string, string]> = {
    'X-Amz-Algorithm': [() => 'AWS4-HMAC-SHA512', 'AuthorizationQueryParametersError'],
    'X-Amz-Credential': [(value) => value.replace(`/${REGION}/`, '/eu-west-1/'), 'SignatureDoesNotMatch'],
    'X-Amz-Date': [(value) => addSeconds(value, 1), 'SignatureDoesNotMatch'],
    'X-Amz-Expires': [() => '301', 'SignatureDoesNotMatch'],
    'X-Amz-SignedHeaders': [(value) => value.replace('cache-control;', ''), 'SignatureDoesNotMatch'],
    'X-Amz-Signature': [tweak, 'SignatureDoesNotMatch'],
  };
  const leftOutCode: Record<string, string> = {
    'X-Amz-Algorithm': 'AuthorizationQueryParametersError',
    'X-Amz-Credential': 'AuthorizationQueryParametersError',
    'X-Amz-Date': 'AccessDenied',
    'X-Amz-Expires': 'AuthorizationQueryParametersError',
    'X-Amz-Signature': 'AccessDenied', // no signature at all
    'X-Amz-SignedHeaders': 'AccessDenied', // host must be signed
  };
  const names = queryNames(base.rawQuery);
  const rows: Array<[string, Mutation, string]> = [
    ['another method', (request) => ({ ...request, method: 'POST' }), 'SignatureDoesNotMatch'],
    ['another key', (request) => ({ ...request, rawPath: request.rawPath.replace('photo', 'other') }), 'SignatureDoesNotMatch'],
    ...names.map((name): [string, Mutation, string] => {
      const [change, code] = queryChange[name] ?? [tweak, 'SignatureDoesNotMatch'];
      return [`query ${name} changed`, withQuery(name, change), code];
    }),
    ...names.map((name): [string, Mutation, string] => [
      `query ${name} left out`,
      withQuery(name, () => undefined),
      leftOutCode[name] ?? 'SignatureDoesNotMatch',
    ]),
    ...signedHeaders.map((name): [string, Mutation, string] => [
      `signed header ${name} changed`,
      withHeader(name, tweak(base.headers[name]!)),
      'SignatureDoesNotMatch',
    ]),
    ['an unsigned x-amz-* header added', withHeader('x-amz-meta-title', 'other'), 'AccessDenied'],
    [
      'a second payload hash',
      (request) => ({ ...request, rawQuery: `${request.rawQuery}&X-Amz-Content-Sha256=${sha256Hex('x')}` }),
      'AuthorizationQueryParametersError',
    ],
    [
      'a repeated metadata parameter',
      (request) => ({ ...request, rawQuery: `${request.rawQuery}&x-amz-meta-title=other` }),
      'SignatureDoesNotMatch',
    ],
    [
      'another service in the scope',
      withQuery('X-Amz-Credential', (value) => value.replace('/s3/', '/sts/')),
      'AuthorizationQueryParametersError',
    ],
    ['an unknown access key', withQuery('X-Amz-Credential', (value) => value.replace(ACCESS_KEY, 'AKIDOTHER')), 'InvalidAccessKeyId'],
    ['an expiry of 0 s', withQuery('X-Amz-Expires', () => '0'), 'AuthorizationQueryParametersError'],
    ['an expiry over 7 days', withQuery('X-Amz-Expires', () => '604801'), 'AuthorizationQueryParametersError'],
  ];

  it.each(rows)('refuses %s', async (_name, mutate, code) => {
    expect(await codeOf(mutate(base))).toBe(code);
  });

  it('has a row for every query parameter of the URL, metadata included', () => {
    expect(names).toEqual(expect.arrayContaining([...Object.keys(queryChange), 'x-amz-meta-photoid', 'x-amz-meta-title', 'x-id']));
  });

  it('refuses the URL once it has expired, and before it is valid', async () => {
    expect(await codeOf(base, new Date(NOW.getTime() + 300_000))).toBe('OK');
    expect(await codeOf(base, new Date(NOW.getTime() + 301_000))).toBe('AccessDenied');
    expect(await codeOf(base, new Date(NOW.getTime() - 16 * 60_000))).toBe('AccessDenied');
  });
});

describe('verifySigV4, a JSON service (cognito-idp)', async () => {
  const body = JSON.stringify({ UserPoolId: 'local_pool', Username: 'attendee@example.com', GroupName: 'organizers' });
  // applyChecksum (the SDK default) also sends the body's hash as x-amz-content-sha256.
  const sign = async (extraHeaders: Record<string, string> = {}, applyChecksum = true): Promise<IncomingS3Request> => {
    const signer = new SignatureV4({
      service: 'cognito-idp',
      region: REGION,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
      sha256: Sha256,
      applyChecksum,
    });
    const signed = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4514,
        path: '/',
        headers: {
          host: '127.0.0.1:4514',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.AdminAddUserToGroup',
          ...extraHeaders,
        },
        body,
      },
      { signingDate: NOW },
    );
    return { method: 'POST', rawPath: '/', rawQuery: '', headers: signed.headers };
  };
  const base = await sign();
  const withoutHashHeader = await sign({}, false);
  const options = (text = body, service = 'cognito-idp'): VerifyOptions => ({ service, body: Buffer.from(text) });

  it('accepts the call as the SDK signed it, its body hashed', async () => {
    expect(base.headers['x-amz-content-sha256']).toBe(sha256Hex(body));
    expect(await codeOf(base, NOW, options())).toBe('OK');
    expect(await codeOf(withoutHashHeader, NOW, options())).toBe('OK');
  });

  it.each([
    ['another body', async () => base, options(body.replace('attendee', 'organizer')), 'XAmzContentSHA256Mismatch'],
    [
      'another body, no hash header',
      async () => withoutHashHeader,
      options(body.replace('attendee', 'organizer')),
      'SignatureDoesNotMatch',
    ],
    [
      'another target',
      async () => withHeader('x-amz-target', 'AWSCognitoIdentityProviderService.AdminDeleteUser')(base),
      options(),
      'SignatureDoesNotMatch',
    ],
    [
      'a signed payload hash of another body',
      () => sign({ 'x-amz-content-sha256': sha256Hex('{}') }),
      options(),
      'XAmzContentSHA256Mismatch',
    ],
    ['a signature for another service', async () => base, options(body, 's3'), 'AuthorizationQueryParametersError'],
  ])('refuses %s', async (_name, request, verifyOptions, code) => {
    expect(await codeOf(await request(), NOW, verifyOptions)).toBe(code);
  });
});

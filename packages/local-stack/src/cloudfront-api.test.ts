import type { Server } from 'node:http';
import { Readable } from 'node:stream';
import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { CloudFrontInvalidator } from '@event-photos/aws';
import { explicitInvalidationPaths, wildcardInvalidationPath } from '@event-photos/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCdn } from '#lib/cdn';
import { createCloudFrontApi, type CloudFrontApi } from '#lib/cloudfront-api';
import { distributionArn, invalidationPolicy } from '#lib/cloudfront-iam';
import { readInfra } from '#lib/local-infra';
import { REPO_ROOT } from '#lib/stack';

// The local CloudFront API on the CDN's port, as CloudFront answers CreateInvalidation: the delete
// routes' adapter (@event-photos/aws) against it, and requests written here by hand (signed with
// the SDK's own signer) for what the adapter never sends.

const DISTRIBUTION = 'LOCALCDN';
const ACCOUNT = '000000000000';
const FUNCTIONS = { accessKeyId: 'AKIDLOCALFUNCTIONS', secretAccessKey: 'local-functions-secret' };
const EVENT = 'demo-event';
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
const photos = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => ({ photoId: id(from + index), contentType: 'image/jpeg' as const }));

let server: Server;
let cdnUrl: string;
let api: CloudFrontApi;
const clock = { now: Date.UTC(2026, 10, 30, 10, 0, 0) };
/** The ARNs the functions' roles may invalidate, as the policy read from serverless.yml would say. */
let allowedArns: string[];

const s3 = {
  async send() {
    return { Body: Readable.from([Buffer.from('jpeg?')]), ContentType: 'image/jpeg', ContentLength: 5 };
  },
};

beforeAll(async () => {
  api = createCloudFrontApi({
    distributionId: DISTRIBUTION,
    accountId: ACCOUNT,
    credentials: FUNCTIONS,
    allowed: (arn) => allowedArns.includes(arn),
    inProgressMs: 60_000,
    now: () => clock.now,
  });
  ({ server, url: cdnUrl } = await startCdn({ port: 0, s3, bucket: 'b', readablePrefixes: ['photos/'], cloudFrontApi: api.handle }));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  clock.now += 3_600_000; // what earlier tests left is done
  allowedArns = [distributionArn(ACCOUNT, DISTRIBUTION), distributionArn(ACCOUNT, 'E0THERDIST')];
});

const invalidator = (credentials = FUNCTIONS) => new CloudFrontInvalidator({ credentials, distributionId: DISTRIBUTION, endpoint: cdnUrl });
const since = (count: number) => api.invalidations().slice(-count);

const batch = (paths: string[], { quantity = paths.length, reference = `ref-${Math.random()}` } = {}) =>
  `<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Paths><Quantity>${quantity}</Quantity><Items>${paths
    .map((path) => `<Path>${path}</Path>`)
    .join('')}</Items></Paths><CallerReference>${reference}</CallerReference></InvalidationBatch>`;

/** A call signed as the SDK signs it (service cloudfront, us-east-1), with any body, path or key. */
async function call(
  body: string | Buffer,
  {
    distribution = DISTRIBUTION,
    credentials = FUNCTIONS,
    method = 'POST',
    tamper = false,
    path,
  }: Partial<{
    distribution: string;
    credentials: typeof FUNCTIONS;
    method: string;
    tamper: boolean;
    path: string;
  }> = {},
) {
  const url = new URL(path ?? `/2020-05-31/distribution/${distribution}/invalidation`, cdnUrl);
  const signer = new SignatureV4({ service: 'cloudfront', region: 'us-east-1', credentials, sha256: Sha256Node });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/xml' },
    body,
  });
  const sent = tamper ? `${body} ` : body;
  const response = await fetch(url, {
    method,
    headers: signed.headers,
    ...(method === 'POST' ? { body: typeof sent === 'string' ? sent : new Uint8Array(sent) } : {}),
  });
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text, location: response.headers.get('location') };
}

describe('the local CloudFront API', () => {
  it("takes the delete routes' invalidation: 201, the Invalidation and its Location, recorded in progress", async () => {
    const before = api.invalidations().length;
    await invalidator().invalidatePhotos(EVENT, photos(1, 2));
    expect(api.invalidations()).toHaveLength(before + 1);
    const [made] = since(1);
    expect(made).toMatchObject({
      distributionId: DISTRIBUTION,
      status: 'InProgress',
      paths: [wildcardInvalidationPath(EVENT, id(1)), wildcardInvalidationPath(EVENT, id(2))],
    });
    const answer = await call(batch(['/photos/a.jpg']));
    expect(answer.status).toBe(201);
    const [second] = since(1);
    expect(answer.location).toBe(`${cdnUrl}/2020-05-31/distribution/${DISTRIBUTION}/invalidation/${second!.id}`);
    expect(answer.text).toContain(`<Id>${second!.id}</Id><Status>InProgress</Status>`);
    expect(answer.text).toContain('<Paths><Quantity>1</Quantity><Items><Path>/photos/a.jpg</Path></Items></Paths>');
    clock.now += 60_000;
    expect(since(1)[0]!.status).toBe('Completed');
  });

  it('keeps at most 15 wildcard paths in progress: the 16th is TooManyInvalidationsInProgress, and the adapter then sends every file path', async () => {
    expect((await call(batch(photos(1, 15).map(({ photoId }) => wildcardInvalidationPath(EVENT, photoId))))).status).toBe(201);
    const refused = await call(batch([wildcardInvalidationPath(EVENT, id(16))]));
    expect(refused).toMatchObject({ status: 400, code: 'TooManyInvalidationsInProgress' });
    await invalidator().invalidatePhotos(EVENT, photos(16, 1));
    expect(since(1)[0]!.paths).toEqual(explicitInvalidationPaths(EVENT, photos(16, 1)[0]!));
    clock.now += 60_000; // those 15 are done
    expect((await call(batch([wildcardInvalidationPath(EVENT, id(16))]))).status).toBe(201);
  });

  it('keeps at most 3,000 file paths in progress, counted apart from wildcard paths', async () => {
    const files = (from: number, count: number) => Array.from({ length: count }, (_, index) => `/photos/f${from + index}.jpg`);
    expect((await call(batch(files(0, 2000)))).status).toBe(201);
    expect((await call(batch(['/photos/x*']))).status).toBe(201);
    expect((await call(batch(files(2000, 1001)))).code).toBe('TooManyInvalidationsInProgress');
    expect((await call(batch(files(2000, 1000)))).status).toBe(201);
  });

  it.each([
    ['Quantity unlike the number of paths', batch(['/a', '/b'], { quantity: 3 }), 400, 'InconsistentQuantities'],
    ['a path without its leading /', batch(['photos/a.jpg']), 400, 'InvalidArgument'],
    ['a * before the end', batch(['/photos/*/a.jpg']), 400, 'InvalidArgument'],
    ['a path over 4,000 characters', batch([`/${'a'.repeat(4000)}`]), 400, 'InvalidArgument'],
    ['no path', batch([]), 400, 'InvalidArgument'],
    ['3,001 paths', batch(Array.from({ length: 3001 }, (_, n) => `/p${n}`)), 413, 'BatchTooLarge'],
    ['no body', '', 400, 'MissingBody'],
    ['no CallerReference', batch(['/a']).replace(/<CallerReference>.*<\/CallerReference>/, ''), 400, 'MalformedInput'],
    ['an unclosed element', batch(['/a']).replace('</InvalidationBatch>', ''), 400, 'MalformedInput'],
    ['another root', '<DistributionConfig><Paths/></DistributionConfig>', 400, 'MalformedInput'],
    ['an unknown element', batch(['/a']).replace('<Paths>', '<Paths><Extra>1</Extra>'), 400, 'MalformedInput'],
    [
      'a repeated Paths',
      batch(['/a']).replace('<CallerReference>', '<Paths><Quantity>0</Quantity></Paths><CallerReference>'),
      400,
      'MalformedInput',
    ],
    ['a Quantity that is no number', batch(['/a']).replace('<Quantity>1<', '<Quantity>one<'), 400, 'MalformedInput'],
    ['a DOCTYPE with an entity', `<!DOCTYPE x [<!ENTITY a "${'b'.repeat(100)}">]>${batch(['/&a;'])}`, 400, 'MalformedInput'],
    ['an undeclared entity', batch(['/&lol;']), 400, 'MalformedInput'],
    ['a character reference out of range', batch(['/&#99999999;']), 400, 'MalformedInput'],
    ['elements nested deep', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`, 400, 'MalformedInput'],
    ['text after the root', `${batch(['/a'])}<x/>`, 400, 'MalformedInput'],
    ['not UTF-8', Buffer.from([0x3c, 0xff, 0xfe, 0x3e]), 400, 'MalformedInput'],
    ['plain text', 'invalidate everything', 400, 'MalformedInput'],
  ])('refuses %s, recording nothing', async (_name, body, status, code) => {
    const before = api.invalidations().length;
    expect(await call(body)).toMatchObject({ status, code });
    expect(api.invalidations()).toHaveLength(before);
  });

  it('reads entities in paths as CloudFront does', async () => {
    expect((await call(batch(['/photos/a&amp;b&#46;jpg']))).status).toBe(201);
    expect(since(1)[0]!.paths).toEqual(['/photos/a&b.jpg']);
  });

  it('answers the same request again with the invalidation it made, and other paths under its CallerReference with InvalidationBatchAlreadyExists', async () => {
    const first = await call(batch(['/photos/r.jpg'], { reference: 'same-ref' }));
    const again = await call(batch(['/photos/r.jpg'], { reference: 'same-ref' }));
    expect(again.status).toBe(200);
    expect(again.location).toBe(first.location);
    expect(await call(batch(['/photos/other.jpg'], { reference: 'same-ref' }))).toMatchObject({
      status: 409,
      code: 'InvalidationBatchAlreadyExists',
    });
  });

  it('refuses a distribution the roles may not invalidate with AccessDenied (IAM first), and one they may that does not exist with NoSuchDistribution', async () => {
    const denied = await call(batch(['/a']), { distribution: 'E1NOTOURS' });
    expect(denied).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(denied.text).toContain(
      `is not authorized to perform: cloudfront:CreateInvalidation on resource: arn:aws:cloudfront::${ACCOUNT}:distribution/E1NOTOURS because no identity-based policy allows the cloudfront:CreateInvalidation action`,
    );
    expect(await call(batch(['/a']), { distribution: 'E0THERDIST' })).toMatchObject({ status: 404, code: 'NoSuchDistribution' });
  });

  it('refuses every call with AccessDenied when no role allows it, the adapter included', async () => {
    allowedArns = [];
    await expect(invalidator().invalidatePhotos(EVENT, photos(1, 1))).rejects.toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it.each([
    ['another key pair', { credentials: { accessKeyId: 'AKIDSOMEONE', secretAccessKey: 'x' } }, 'InvalidClientTokenId'],
    ['a wrong secret', { credentials: { ...FUNCTIONS, secretAccessKey: 'wrong' } }, 'SignatureDoesNotMatch'],
    ['a body changed after signing', { tamper: true }, 'SignatureDoesNotMatch'],
  ])('refuses %s with 403', async (_name, options, code) => {
    expect(await call(batch(['/a']), options)).toMatchObject({ status: 403, code });
  });

  it('refuses an unsigned call, and answers only CreateInvalidation', async () => {
    const unsigned = await fetch(`${cdnUrl}/2020-05-31/distribution/${DISTRIBUTION}/invalidation`, { method: 'POST', body: batch(['/a']) });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(await call('', { method: 'GET' })).toMatchObject({ status: 400, code: 'InvalidAction' });
    expect(await call(batch(['/a']), { path: `/2020-05-31/distribution/${DISTRIBUTION}` })).toMatchObject({
      status: 400,
      code: 'InvalidAction',
    });
  });

  it('answers a body over 1 MiB with 413 without reading it, and goes on serving the API and the CDN', async () => {
    const huge = await fetch(`${cdnUrl}/2020-05-31/distribution/${DISTRIBUTION}/invalidation`, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: Buffer.alloc(8 * 1024 * 1024, 0x3c),
    }).then(
      (response) => response.status,
      () => 'reset',
    );
    expect([413, 'reset']).toContain(huge);
    expect((await call(batch(['/photos/after.jpg']))).status).toBe(201);
    expect((await fetch(`${cdnUrl}/photos/a.jpg`)).status).toBe(200);
  });
});

describe('invalidationPolicy (serverless.yml)', () => {
  it('lets exactly the functions that delete photos invalidate the distribution, and none any other', async () => {
    const infra = await readInfra(REPO_ROOT);
    const local = {
      region: 'us-east-1',
      accountId: ACCOUNT,
      bucketName: 'b',
      tableName: 't',
      cdnBaseUrl: 'http://127.0.0.1:4511',
      cognitoEndpoint: 'http://127.0.0.1:4514',
      userPoolId: 'local_x',
      userPoolClientId: 'c',
    };
    const policy = await invalidationPolicy(REPO_ROOT, infra, local);
    expect(policy.functionsAllowed(distributionArn(ACCOUNT, DISTRIBUTION))).toEqual(['batchDeletePhotos', 'deletePhoto']);
    expect(policy.allowed(distributionArn(ACCOUNT, 'E1NOTOURS'))).toBe(false);
    expect(policy.allowed(distributionArn('111111111111', DISTRIBUTION))).toBe(false);
  });
});

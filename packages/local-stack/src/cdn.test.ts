import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CdnSigner, loadCdnPrivateKey, parameterStoreCall } from '@event-photos/aws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCdn } from '#lib/cdn';
import { createKeyParameterFront } from '#lib/cdn-key-parameter';
import { cdnSigningKeyFile, ensureCdnSigningKey, trustedKeysOf, type CdnSigningKey } from '#lib/cdn-signing-key';

// The local CDN with a trusted key group, as CloudFront answers signed URLs: the functions' signer
// (@event-photos/aws, AWS's @aws-sdk/cloudfront-signer inside) against the CDN's own check
// (cdn-signed-urls.ts), and policies written here by hand for what the signer never makes.
// S3 is a stub: what matters is what reaches it.

const EVENT = 'demo-event';
const PHOTO = `photos/event_${EVENT}/01890a5d-ac96-774b-bcce-b302099a8057.jpg`;
const RENDITION = `photos/event_${EVENT}/01890a5d-ac96-774b-bcce-b302099a8057_w480.webp`;
const PARAMETER = '/event-photos/local/cdn-private-key-a';
const FUNCTIONS = { accessKeyId: 'AKIDLOCALFUNCTIONS', secretAccessKey: 'local-functions-secret' };
const REGION = 'us-east-1';

let dataDir: string;
let key: CdnSigningKey;
let server: Server;
let cdnUrl: string;
let signer: CdnSigner;
const clock = { now: Date.UTC(2026, 10, 30, 10, 7, 30) };
const fetched: string[] = [];

const s3 = {
  async send(command: { input: { Key?: string } }) {
    const objectKey = command.input.Key!;
    fetched.push(objectKey);
    if (objectKey.endsWith('missing.jpg')) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: Readable.from([Buffer.from('jpeg?')]), ContentType: 'image/jpeg', ContentLength: 5 };
  },
};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-cdn-'));
  key = await ensureCdnSigningKey(cdnSigningKeyFile(dataDir));
  const cdn = await startCdn({
    port: 0,
    s3: s3 as never,
    bucket: 'bucket',
    readablePrefixes: ['photos/'],
    trustedKeys: trustedKeysOf(key),
    now: () => clock.now,
    ssm: createKeyParameterFront({
      names: [PARAMETER],
      value: key.privateKeyPem,
      region: REGION,
      accountId: '000000000000',
      credentials: FUNCTIONS,
      allowed: (arn) => arn === `arn:aws:ssm:${REGION}:000000000000:parameter${PARAMETER}`,
    }),
  });
  server = cdn.server;
  cdnUrl = cdn.url;
  signer = new CdnSigner({
    keyPairId: key.keyPairId,
    privateKeyPem: key.privateKeyPem,
    cdnBaseUrl: cdnUrl,
    windowSeconds: 900,
    clock: () => clock.now,
  });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  clock.now = Date.UTC(2026, 10, 30, 10, 7, 30);
  fetched.length = 0;
});

const get = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(url, init);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};
const denied = (code: string, message: string) => ({
  status: 403,
  type: 'text/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});
const ACCESS_DENIED = denied('AccessDenied', 'Access denied');

/** CloudFront's base64. */
const cloudFront = (bytes: Buffer) => bytes.toString('base64').replaceAll('+', '-').replaceAll('=', '_').replaceAll('/', '~');
/** A policy and its signature, written by hand. */
function signed(policy: string, { privateKeyPem = key.privateKeyPem, algorithm = 'RSA-SHA1' } = {}) {
  return cloudFront(createSign(algorithm).update(policy).sign(privateKeyPem));
}
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('signed URLs (custom policy, as the functions sign)', () => {
  it('serves a photo and its renditions with the one query of their event', async () => {
    const { query } = signer.signEventUrls(EVENT);
    expect(await get(`${cdnUrl}/${PHOTO}?${query}`)).toEqual({ status: 200, type: 'image/jpeg', body: 'jpeg?' });
    expect((await get(`${cdnUrl}/${RENDITION}?${query}`)).status).toBe(200);
    expect((await fetch(`${cdnUrl}/${PHOTO}?${query}`, { method: 'HEAD' })).status).toBe(200);
    // A key that does not exist is still S3's 404, once the signature let the request through.
    expect((await get(`${cdnUrl}/photos/event_${EVENT}/missing.jpg?${query}`)).status).toBe(404);
    // S3 gets the key, never the signing parameters.
    expect(fetched).toEqual([PHOTO, RENDITION, PHOTO, `photos/event_${EVENT}/missing.jpg`]);
  });

  it('serves until the end of the next window, then refuses', async () => {
    const { query, expiresAt } = signer.signEventUrls(EVENT);
    expect(expiresAt).toBe('2026-11-30T10:30:00.000Z');
    clock.now = Date.parse(expiresAt) - 1;
    expect((await get(`${cdnUrl}/${PHOTO}?${query}`)).status).toBe(200);
    clock.now = Date.parse(expiresAt);
    expect(await get(`${cdnUrl}/${PHOTO}?${query}`)).toEqual(ACCESS_DENIED);
    expect(fetched).toEqual([PHOTO]);
  });

  it('refuses a tampered policy or signature', async () => {
    const params = new URLSearchParams(signer.signEventUrls(EVENT).query);
    const policy = Buffer.from(params.get('Policy')!.replaceAll('-', '+').replaceAll('_', '=').replaceAll('~', '/'), 'base64').toString();
    // A later DateLessThan, with the signature of the real one.
    const later = policy.replace(/"AWS:EpochTime":\d+/, `"AWS:EpochTime":${epoch('2030-01-01T00:00:00Z')}`);
    const withPolicy = (value: string) =>
      `${cdnUrl}/${PHOTO}?Policy=${value}&Signature=${params.get('Signature')}&Key-Pair-Id=${key.keyPairId}`;
    expect(await get(withPolicy(cloudFront(Buffer.from(later))))).toEqual(ACCESS_DENIED);
    // The whole event's prefix made wider: every event.
    const wider = policy.replace(`/photos/event_${EVENT}/*`, '/photos/*');
    expect(await get(withPolicy(cloudFront(Buffer.from(wider))))).toEqual(ACCESS_DENIED);
    // One character of the signature changed.
    const signature = params.get('Signature')!;
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await get(`${cdnUrl}/${PHOTO}?Policy=${params.get('Policy')}&Signature=${flipped}&Key-Pair-Id=${key.keyPairId}`)).toEqual(
      ACCESS_DENIED,
    );
    // Signed with another key under this key's id.
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const forged = signed(policy, { privateKeyPem: other });
    expect(await get(`${cdnUrl}/${PHOTO}?Policy=${params.get('Policy')}&Signature=${forged}&Key-Pair-Id=${key.keyPairId}`)).toEqual(
      ACCESS_DENIED,
    );
    expect(fetched).toEqual([]);
  });

  it('refuses a signature made for another event, or for another host', async () => {
    const { query } = signer.signEventUrls('other-event');
    expect(await get(`${cdnUrl}/${PHOTO}?${query}`)).toEqual(ACCESS_DENIED);
    // The policy names the distribution's address: the same path through another name is not it.
    const mine = signer.signEventUrls(EVENT).query;
    expect(await get(`${cdnUrl.replace('127.0.0.1', 'localhost')}/${PHOTO}?${mine}`)).toEqual(ACCESS_DENIED);
    // Nor does a photo signature open the upload quarantine.
    expect(await get(`${cdnUrl}/uploads/event_${EVENT}/x.jpg?${mine}`)).toEqual(ACCESS_DENIED);
    expect(fetched).toEqual([]);
  });

  it('refuses a key that is not in the trusted key group, and missing parameters, as CloudFront words them', async () => {
    const { query } = signer.signEventUrls(EVENT);
    expect(await get(`${cdnUrl}/${PHOTO}?${query.replace(key.keyPairId, 'K2JCJMDEHXQW5F')}`)).toEqual(denied('InvalidKey', 'Unknown Key'));
    const missingKey = denied('MissingKey', 'Missing Key-Pair-Id query parameter or cookie value');
    expect(await get(`${cdnUrl}/${PHOTO}`)).toEqual(missingKey);
    expect(await get(`${cdnUrl}/${PHOTO}?${query.replace(/&Key-Pair-Id=.*/, '')}`)).toEqual(missingKey);
    expect(await get(`${cdnUrl}/${PHOTO}?${query.replace(/&Signature=[^&]*/, '')}`)).toEqual(ACCESS_DENIED);
    expect(await get(`${cdnUrl}/${PHOTO}?Key-Pair-Id=${key.keyPairId}`)).toEqual(ACCESS_DENIED);
    expect(await get(`${cdnUrl}/${PHOTO}?Policy=not*base64&Signature=x&Key-Pair-Id=${key.keyPairId}`)).toEqual(
      denied('MalformedPolicy', 'Malformed Policy'),
    );
    const noDate = `{"Statement":[{"Resource":"${cdnUrl}/${PHOTO}"}]}`;
    expect(
      await get(`${cdnUrl}/${PHOTO}?Policy=${cloudFront(Buffer.from(noDate))}&Signature=${signed(noDate)}&Key-Pair-Id=${key.keyPairId}`),
    ).toEqual(denied('MalformedPolicy', 'Malformed Policy'));
    expect(fetched).toEqual([]);
  });
});

describe('policies the functions do not make, checked as CloudFront checks them', () => {
  const url = (policy: string, extra = '') =>
    `${cdnUrl}/${PHOTO}?Policy=${cloudFront(Buffer.from(policy))}&Signature=${signed(policy)}&Key-Pair-Id=${key.keyPairId}${extra}`;

  it('takes a canned policy (Expires) for exactly its URL, until it expires', async () => {
    const expires = epoch('2026-11-30T11:00:00Z');
    const canned = (resource: string) =>
      `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
    const cannedUrl = (resource: string, requested = resource) =>
      `${requested}?Expires=${expires}&Signature=${signed(canned(resource))}&Key-Pair-Id=${key.keyPairId}`;
    expect(await get(cannedUrl(`${cdnUrl}/${PHOTO}`))).toEqual({ status: 200, type: 'image/jpeg', body: 'jpeg?' });
    // Another photo of the same event: a canned policy is one URL, not a prefix.
    expect(await get(cannedUrl(`${cdnUrl}/${PHOTO}`, `${cdnUrl}/${RENDITION}`))).toEqual(ACCESS_DENIED);
    // Expires changed: the signature no longer matches.
    expect(await get(cannedUrl(`${cdnUrl}/${PHOTO}`).replace(`Expires=${expires}`, `Expires=${expires + 3600}`))).toEqual(ACCESS_DENIED);
    clock.now = expires * 1000;
    expect(await get(cannedUrl(`${cdnUrl}/${PHOTO}`))).toEqual(ACCESS_DENIED);
  });

  it('honours DateGreaterThan and IpAddress', async () => {
    const policy = (condition: string) =>
      `{"Statement":[{"Resource":"${cdnUrl}/photos/*","Condition":{"DateLessThan":{"AWS:EpochTime":${epoch('2026-12-01T00:00:00Z')}}${condition}}}]}`;
    expect((await get(url(policy('')))).status).toBe(200);
    expect(await get(url(policy(`,"DateGreaterThan":{"AWS:EpochTime":${epoch('2026-11-30T11:00:00Z')}}`)))).toEqual(ACCESS_DENIED);
    expect((await get(url(policy(`,"DateGreaterThan":{"AWS:EpochTime":${epoch('2026-11-30T10:00:00Z')}}`)))).status).toBe(200);
    expect((await get(url(policy(',"IpAddress":{"AWS:SourceIp":"127.0.0.0/8"}')))).status).toBe(200);
    expect(await get(url(policy(',"IpAddress":{"AWS:SourceIp":"10.0.0.0/8"}')))).toEqual(ACCESS_DENIED);
  });

  it('takes SHA-256 signatures when the URL says so, and other query parameters as part of the URL', async () => {
    const policy = `{"Statement":[{"Resource":"${cdnUrl}/${PHOTO}?v=*","Condition":{"DateLessThan":{"AWS:EpochTime":${epoch('2026-12-01T00:00:00Z')}}}}]}`;
    const sha256 = signed(policy, { algorithm: 'RSA-SHA256' });
    const base = `${cdnUrl}/${PHOTO}?v=2&Policy=${cloudFront(Buffer.from(policy))}&Key-Pair-Id=${key.keyPairId}`;
    expect((await get(`${base}&Signature=${sha256}&Hash-Algorithm=SHA256`)).status).toBe(200);
    expect(await get(`${base}&Signature=${sha256}`)).toEqual(ACCESS_DENIED);
    expect(
      await get(
        `${cdnUrl}/${PHOTO}?Policy=${cloudFront(Buffer.from(policy))}&Key-Pair-Id=${key.keyPairId}&Signature=${sha256}&Hash-Algorithm=SHA256`,
      ),
    ).toEqual(ACCESS_DENIED);
  });
});

describe('without a trusted key group', () => {
  it('serves unsigned requests, as a behaviour that does not restrict viewer access', async () => {
    const open = await startCdn({ port: 0, s3: s3 as never, bucket: 'bucket', readablePrefixes: ['photos/'] });
    try {
      expect((await get(`${open.url}/${PHOTO}`)).status).toBe(200);
    } finally {
      open.server.closeAllConnections();
      await new Promise((resolve) => open.server.close(resolve));
    }
  });
});

describe('the private key, from the SSM front on the same port', () => {
  const client = (credentials = FUNCTIONS) => ({ endpoint: cdnUrl, region: REGION, credentials });

  it('answers the decrypted SecureString to the functions, as the deployed code asks for it', async () => {
    await expect(loadCdnPrivateKey(client(), PARAMETER)).resolves.toBe(key.privateKeyPem);
  });

  it('answers the encrypted value without WithDecryption', async () => {
    const answer = await parameterStoreCall(client(), 'GetParameter', { Name: PARAMETER, WithDecryption: false });
    expect(answer).toMatchObject({
      Parameter: { Name: PARAMETER, Type: 'SecureString', Value: expect.stringMatching(/^AQICAH[A-Za-z0-9+/]+=*$/) },
    });
    await expect(parameterStoreCall(client(), 'GetParametersByPath', { Path: '/' })).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });

  it("refuses another parameter, another role's, an unsigned call and a wrong key", async () => {
    await expect(loadCdnPrivateKey(client(), '/event-photos/local/other')).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:${REGION}:000000000000:parameter/event-photos/local/other`,
      ),
    });
    await expect(loadCdnPrivateKey(client({ ...FUNCTIONS, secretAccessKey: 'wrong' }), PARAMETER)).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    await expect(loadCdnPrivateKey(client({ accessKeyId: 'AKIDSOMEONEELSE', secretAccessKey: 'x' }), PARAMETER)).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const unsigned = await fetch(cdnUrl, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.GetParameter', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Name: PARAMETER, WithDecryption: true }),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    // Any other POST is what CloudFront answers a method the behaviour does not allow.
    expect((await fetch(`${cdnUrl}/${PHOTO}`, { method: 'POST' })).status).toBe(403);
  });

  it('answers ParameterNotFound for a name it may read that does not exist', async () => {
    const other = await startCdn({
      port: 0,
      s3: s3 as never,
      bucket: 'bucket',
      readablePrefixes: ['photos/'],
      ssm: createKeyParameterFront({
        names: [],
        value: 'x',
        region: REGION,
        accountId: '000000000000',
        credentials: FUNCTIONS,
        allowed: () => true,
      }),
    });
    try {
      await expect(loadCdnPrivateKey({ endpoint: other.url, region: REGION, credentials: FUNCTIONS }, PARAMETER)).rejects.toMatchObject({
        name: 'ParameterNotFound',
      });
    } finally {
      other.server.closeAllConnections();
      await new Promise((resolve) => other.server.close(resolve));
    }
  });
});

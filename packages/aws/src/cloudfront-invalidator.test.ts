import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { explicitInvalidationPaths, wildcardInvalidationPath } from '@event-photos/core';
import { AwsServiceError } from '#lib/aws-json-call';
import { CloudFrontInvalidator, cloudFrontFromEnv } from '#lib/cloudfront-invalidator';

const EVENT_ID = 'summit-2026';
const DISTRIBUTION_ID = 'E2QWRUHAPOMQZL';
const credentials = { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'secret', sessionToken: 'role-session-token' };
const id = (n: number) => `01890a5d-ac96-774b-bcce-${String(n).padStart(12, '0')}`;
const photos = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ photoId: id(index + 1), contentType: 'image/jpeg' as const }));

// A stub CloudFront endpoint: what each call sent, and the answers to give, in turn.
const calls: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }> = [];
const answers: Array<{ status: number; body: string }> = [];
let server: Server;
let endpoint: string;

const created = (invalidationId: string) =>
  `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${invalidationId}</Id><Status>InProgress</Status></Invalidation>`;
const refused = (code: string, message: string) =>
  `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

/** The paths, Quantity and CallerReference a request body carries. */
function batchOf(body: string) {
  expect(body).toMatch(
    /^<\?xml version="1\.0" encoding="UTF-8"\?><InvalidationBatch xmlns="http:\/\/cloudfront\.amazonaws\.com\/doc\/2020-05-31\/">/,
  );
  return {
    paths: [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((match) => match[1]!),
    quantity: Number(/<Quantity>(\d+)<\/Quantity>/.exec(body)?.[1]),
    callerReference: /<CallerReference>([^<]+)<\/CallerReference>/.exec(body)?.[1],
  };
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    calls.push({ method: request.method!, path: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
    const answer = answers.shift() ?? { status: 201, body: created('I2J0I21PCUYOIK') };
    response.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  calls.length = 0;
  answers.length = 0;
});

const invalidator = () => new CloudFrontInvalidator({ credentials, distributionId: DISTRIBUTION_ID, endpoint });

describe('CloudFrontInvalidator', () => {
  it('POSTs one CreateInvalidation with a wildcard path per photo, signed for cloudfront in us-east-1 with the role session', async () => {
    await invalidator().invalidatePhotos(EVENT_ID, photos(2));
    expect(calls).toHaveLength(1);
    const [call] = calls as [(typeof calls)[number]];
    expect(call.method).toBe('POST');
    expect(call.path).toBe(`/2020-05-31/distribution/${DISTRIBUTION_ID}/invalidation`);
    expect(call.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDFUNCTION\/\d{8}\/us-east-1\/cloudfront\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(call.headers['x-amz-security-token']).toBe('role-session-token');
    expect(call.headers['content-type']).toBe('application/xml');
    const batch = batchOf(call.body);
    expect(batch.paths).toEqual([wildcardInvalidationPath(EVENT_ID, id(1)), wildcardInvalidationPath(EVENT_ID, id(2))]);
    expect(batch.quantity).toBe(2);
  });

  it('gives every request a CallerReference of its own', async () => {
    await invalidator().invalidatePhotos(EVENT_ID, photos(1));
    await invalidator().invalidatePhotos(EVENT_ID, photos(1));
    const references = calls.map((call) => batchOf(call.body).callerReference);
    expect(new Set(references).size).toBe(2);
  });

  it('sends every file path, no wildcard, for more than 15 photos', async () => {
    await invalidator().invalidatePhotos(EVENT_ID, photos(20));
    const batch = batchOf(calls[0]!.body);
    expect(batch.paths).toEqual(photos(20).flatMap((photo) => explicitInvalidationPaths(EVENT_ID, photo)));
    expect(batch.quantity).toBe(batch.paths.length);
  });

  it('asks again with every file path when CloudFront answers TooManyInvalidationsInProgress', async () => {
    answers.push({
      status: 400,
      body: refused(
        'TooManyInvalidationsInProgress',
        'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.',
      ),
    });
    await invalidator().invalidatePhotos(EVENT_ID, photos(1));
    expect(calls.map((call) => batchOf(call.body).paths)).toEqual([
      [wildcardInvalidationPath(EVENT_ID, id(1))],
      explicitInvalidationPaths(EVENT_ID, photos(1)[0]!),
    ]);
  });

  it.each([
    [403, 'AccessDenied', 'User: arn:aws:sts::1:assumed-role/x is not authorized to perform: cloudfront:CreateInvalidation'],
    [404, 'NoSuchDistribution', 'The specified distribution does not exist.'],
    [400, 'InvalidArgument', 'Your request contains one or more invalid invalidation paths.'],
  ])('throws a %i %s as CloudFront names it, and asks no more', async (status, code, message) => {
    answers.push({ status, body: refused(code, message) });
    const error = await invalidator()
      .invalidatePhotos(EVENT_ID, photos(1))
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: code, message, status });
    expect(calls).toHaveLength(1);
  });

  it('throws when the explicit retry is refused too', async () => {
    answers.push({ status: 400, body: refused('TooManyInvalidationsInProgress', 'wildcards') });
    answers.push({ status: 400, body: refused('TooManyInvalidationsInProgress', 'files') });
    await expect(invalidator().invalidatePhotos(EVENT_ID, photos(1))).rejects.toMatchObject({
      name: 'TooManyInvalidationsInProgress',
      message: 'files',
    });
    expect(calls).toHaveLength(2);
  });

  it('sends nothing for no photo', async () => {
    await invalidator().invalidatePhotos(EVENT_ID, []);
    expect(calls).toEqual([]);
  });

  it('answers the invalidation id', async () => {
    answers.push({ status: 201, body: created('IDFDVBD632BHDS5') });
    await expect(invalidator().createInvalidation(['/photos/*'])).resolves.toBe('IDFDVBD632BHDS5');
  });
});

describe('cloudFrontFromEnv', () => {
  const env = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret', PHOTOS_CDN_DISTRIBUTION_ID: DISTRIBUTION_ID };

  it("reads the distribution, the role's credentials and the SDK's endpoint variable", () => {
    expect(cloudFrontFromEnv({ ...env, AWS_SESSION_TOKEN: 'token', AWS_ENDPOINT_URL_CLOUDFRONT: 'http://127.0.0.1:4511' })).toEqual({
      distributionId: DISTRIBUTION_ID,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
      endpoint: 'http://127.0.0.1:4511',
    });
    expect(cloudFrontFromEnv(env).endpoint).toBeUndefined();
  });

  it.each([
    [{ PHOTOS_CDN_DISTRIBUTION_ID: undefined }, /PHOTOS_CDN_DISTRIBUTION_ID is required/],
    [{ PHOTOS_CDN_DISTRIBUTION_ID: 'e2qw/../x' }, /PHOTOS_CDN_DISTRIBUTION_ID must be a CloudFront distribution id/],
    [{ AWS_ENDPOINT_URL_CLOUDFRONT: 'ftp://x' }, /AWS_ENDPOINT_URL_CLOUDFRONT must be an http\(s\) URL/],
    [{ AWS_ACCESS_KEY_ID: undefined }, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required/],
  ])('fails naming the variable: %j', (change, message) => {
    expect(() => cloudFrontFromEnv({ ...env, ...change })).toThrow(message);
  });
});

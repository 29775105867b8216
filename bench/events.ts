import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, S3Event } from 'aws-lambda';

/** Cognito JWT claims as API Gateway's JWT authorizer hands them over: arrays flattened to "[a b]". */
export function claimsOf(token: string, overrides: Record<string, string> = {}): Record<string, string> {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const flat = Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  return { ...flat, ...overrides };
}

export interface HttpEventInput {
  method: 'GET' | 'POST';
  /** The route as serverless.yml declares it, e.g. /events/{eventId}/photos. */
  route: string;
  pathParameters: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  token: string;
  claims: Record<string, string>;
}

/** An HTTP API (payload format 2.0) event with a JWT authorizer, as API Gateway sends it. */
export function httpEvent(input: HttpEventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const rawPath = input.route.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => encodeURIComponent(input.pathParameters[name]!));
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  const body = input.body === undefined ? undefined : JSON.stringify(input.body);
  const now = new Date();
  const routeKey = `${input.method} ${input.route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      authorization: `Bearer ${input.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0 (bench)',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    pathParameters: input.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc123',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims, scopes: [] } },
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: input.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'Mozilla/5.0 (bench)' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

/** An S3 ObjectCreated:Put notification for one object, as S3 delivers it to Lambda. */
export function s3PutEvent(input: { region: string; bucket: string; encodedKey: string; size: number; etag: string }): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.10' },
        responseElements: { 'x-amz-request-id': 'BENCH', 'x-amz-id-2': 'BENCH' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'bench',
          bucket: { name: input.bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${input.bucket}` },
          object: { key: input.encodedKey, size: input.size, eTag: input.etag.replace(/"/g, ''), sequencer: Date.now().toString(16).toUpperCase() },
        },
      },
    ],
  };
}

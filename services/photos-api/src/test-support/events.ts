// Test-only builders for Lambda events and context. Not imported by any handler.
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '#lib/http';

export const TEST_SUB = 'user-sub-0001';

export function lambdaContext(functionName = 'photos-api-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/05/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpEventOptions {
  method?: string;
  path?: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded. */
  body?: unknown;
  isBase64Encoded?: boolean;
  /** JWT claims; `sub` defaults to TEST_SUB. Pass `sub: undefined` to drop it. */
  claims?: Record<string, string | number | boolean | string[] | undefined>;
}

/** An HTTP API (payload 2.0) event as API Gateway sends it through a JWT authorizer. */
export function httpEvent(options: HttpEventOptions = {}): HttpEvent {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const claims = Object.fromEntries(
    Object.entries({ sub: TEST_SUB, ...options.claims }).filter(([, value]) => value !== undefined),
  ) as Record<string, string | number | boolean | string[]>;
  const body =
    options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(options.queryStringParameters ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    ...(options.queryStringParameters ? { queryStringParameters: options.queryStringParameters } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      requestId: 'request-id-test',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/May/2026:10:00:00 +0000',
      timeEpoch: Date.parse('2026-05-01T10:00:00Z'),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  };
}

/** The parsed JSON body of a handler result, after checking it is JSON. */
export function jsonOf(result: HttpResult | undefined): any {
  if (!result) throw new Error('handler returned no response');
  const contentType = result.headers?.['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) {
    throw new Error(`response is not JSON: content-type ${String(contentType)}`);
  }
  return JSON.parse(String(result.body));
}

/** One S3 ObjectCreated record; `key` is used as given (S3 sends keys URL-encoded). */
export function s3Record(key: string, { bucket = 'photos-bucket-test', size = 1234 } = {}): S3EventRecord {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: '2026-05-01T10:00:00.000Z',
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:EXAMPLE' },
    requestParameters: { sourceIPAddress: '192.0.2.1' },
    responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'uploads',
      bucket: { name: bucket, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key, size, eTag: '"0123456789abcdef0123456789abcdef"', sequencer: '0055AED6DCD90281E5' },
    },
  };
}

export function s3Event(...keys: string[]): S3Event {
  return { Records: keys.map((key) => s3Record(key)) };
}

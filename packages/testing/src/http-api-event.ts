import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

export type JwtClaims = Record<string, unknown>;

export interface HttpApiEventInput {
  method?: string;
  /** The route as serverless.yml declares it (`/events/{eventId}/photos`); the routeKey. */
  route?: string;
  /** The path as sent; by default the route with the path parameters filled in. */
  rawPath?: string;
  pathParameters?: Record<string, string>;
  rawQueryString?: string;
  queryStringParameters?: Record<string, string>;
  headers?: Record<string, string>;
  cookies?: string[];
  /** A string is sent as is, bytes are base64-encoded unless `text`, anything else is JSON. */
  body?: unknown;
  /** Whether a byte body is text (API Gateway base64-encodes everything else). */
  text?: boolean;
  /** A string body that is already base64. */
  isBase64Encoded?: boolean;
  /** Verified JWT claims; API Gateway hands them over flattened to strings. Null: no authorizer. */
  claims?: JwtClaims | null;
  sourceIp?: string;
  protocol?: string;
  requestId?: string;
  domainName?: string;
  time?: Date;
}

/** API Gateway hands claims to the Lambda as strings; arrays become "[a b]". */
export function flattenClaims(claims: JwtClaims): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [
        name,
        Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value),
      ]),
  );
}

/** The claims of a JWT's payload, unverified (for building events from a token already verified). */
export function claimsOfToken(token: string): JwtClaims {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as JwtClaims;
}

/**
 * An HTTP API event, payload format 2.0, as API Gateway sends it through a JWT authorizer.
 * The one builder of these events: the local gateway, the unit tests and the bench use it.
 */
export function httpApiEvent(input: HttpApiEventInput = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = (input.method ?? 'GET').toUpperCase();
  const pathParameters = input.pathParameters;
  const route = input.route ?? input.rawPath ?? '/';
  const rawPath =
    input.rawPath ?? route.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => encodeURIComponent(pathParameters?.[name] ?? ''));
  const rawQueryString = input.rawQueryString ?? new URLSearchParams(input.queryStringParameters ?? {}).toString();
  const { body, isBase64Encoded } = input.isBase64Encoded
    ? { body: String(input.body), isBase64Encoded: true }
    : encodeBody(input.body, input.text);
  const headers: Record<string, string> = {
    ...(body !== undefined && !input.headers ? { 'content-type': 'application/json' } : {}),
    ...input.headers,
  };
  const domainName = input.domainName ?? headers['host'] ?? 'local.execute-api.localhost';
  const time = input.time ?? new Date();
  const routeKey = `${method} ${route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(input.cookies?.length ? { cookies: input.cookies } : {}),
    headers,
    ...(input.queryStringParameters && Object.keys(input.queryStringParameters).length
      ? { queryStringParameters: input.queryStringParameters }
      : {}),
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? 'local',
      http: {
        method,
        path: rawPath,
        protocol: input.protocol ?? 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId ?? randomUUID(),
      routeKey,
      stage: '$default',
      time: time.toUTCString(),
      timeEpoch: time.getTime(),
      ...(input.claims
        ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: flattenClaims(input.claims), scopes: [] } } }
        : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function encodeBody(body: unknown, text = true): { body?: string; isBase64Encoded: boolean } {
  if (body === undefined) return { isBase64Encoded: false };
  if (typeof body === 'string') return { body, isBase64Encoded: false };
  if (body instanceof Uint8Array) {
    if (body.length === 0) return { isBase64Encoded: false };
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return text ? { body: bytes.toString('utf8'), isBase64Encoded: false } : { body: bytes.toString('base64'), isBase64Encoded: true };
  }
  return { body: JSON.stringify(body), isBase64Encoded: false };
}

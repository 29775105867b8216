import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpApiEvent, type JwtClaims } from '@event-photos/testing';
import { RouteBuckets, type StageThrottling } from '#lib/gateway-throttling';
import { listenOnLoopback, LOOPBACK } from '#lib/net';
import type { Invoke } from '#lib/lambda-runtime';
import type { HttpApiCors, HttpRoute } from '#lib/serverless-functions';

export interface GatewayOptions {
  port: number;
  routes: HttpRoute[];
  /** provider.httpApi.cors of serverless.yml; none: no CORS answers, as on AWS. */
  cors: HttpApiCors | undefined;
  /** The stage's route throttling (serverless.yml's HttpApiStage); none: unlimited. */
  throttling?: StageThrottling | undefined;
  invoke: Invoke;
  /** Served at `GET /openapi.json` without auth: a local convenience, no route of the deployed API. */
  openApi?: unknown;
  /** Verifies the Authorization header with the route's named authorizer; null means 401. */
  authorize(authorizerName: string, authorization: string | undefined): Promise<JwtClaims | null>;
  log(line: Record<string, unknown>): void;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(application\/(json|xml|x-www-form-urlencoded)|text\/)/i;

/**
 * A local HTTP API: the routes of serverless.yml, JWT authorizer, payload format 2.0 events, the
 * stage's route throttling, and API Gateway's own answers (404 Not Found, 401 Unauthorized, 429
 * Too Many Requests, 500 Internal Server Error).
 */
export async function startHttpGateway(options: GatewayOptions): Promise<{ url: string; server: Server }> {
  const buckets = new RouteBuckets(options.throttling ?? { routes: {} });
  const server = createServer((request, response) => {
    handle(options, buckets, request, response).catch((error: unknown) => {
      options.log({ level: 'error', message: 'gateway failure', error: String(error) });
      if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
    });
  });
  await listenOnLoopback(server, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${LOOPBACK}:${port}`, server };
}

async function handle(options: GatewayOptions, buckets: RouteBuckets, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = Date.now();
  const url = URL.parse(request.url ?? '/', 'http://localhost');
  if (!url) return send(response, 400, { message: 'Bad Request' });
  // The path as sent: URL parsing would resolve `..` segments and hide them from the validation.
  const rawPath = (request.url ?? '/').split('?')[0]!;
  const method = (request.method ?? 'GET').toUpperCase();
  const cors = corsHeaders(options.cors, request.headers.origin);
  for (const [name, value] of Object.entries(cors)) response.setHeader(name, value);
  if (method === 'OPTIONS' && options.cors && request.headers['access-control-request-method']) {
    return preflight(response, options.cors, cors);
  }

  if (options.openApi && method === 'GET' && rawPath === '/openapi.json') return send(response, 200, options.openApi);
  const match = findRoute(options.routes, method, rawPath);
  if (!match) return send(response, 404, { message: 'Not Found' });
  const { route, pathParameters } = match;
  if (!pathParameters) return send(response, 400, { message: 'Bad Request' });
  // Over the route's rate: API Gateway answers before the authorizer or any function runs.
  if (!buckets.take(`${route.method} ${route.path}`)) {
    options.log({ method, path: rawPath, status: 429, ms: Date.now() - started, throttled: `${route.method} ${route.path}` });
    return send(response, 429, { message: 'Too Many Requests' });
  }

  let claims: JwtClaims | null = null;
  if (route.authorizer) {
    claims = await options.authorize(route.authorizer, request.headers.authorization);
    if (!claims) {
      response.setHeader('www-authenticate', 'Bearer');
      return send(response, 401, { message: 'Unauthorized' });
    }
  }
  const body = await readBody(request);
  if (body === null) return send(response, 413, { message: 'Request Entity Too Large' });

  const event = toEvent(request, url, rawPath, route, pathParameters, body, claims);
  let result: unknown;
  try {
    result = await options.invoke(route.functionName, event);
  } catch (error) {
    options.log({ level: 'error', message: 'function failed', function: route.functionName, error: String(error) });
    return send(response, 500, { message: 'Internal Server Error' });
  }
  const { statusCode, headers, body: payload, isBase64Encoded } = toResult(result);
  for (const [name, value] of Object.entries(headers ?? {})) {
    // With CORS configured, API Gateway replaces the function's own CORS headers with its own.
    if (options.cors && name.toLowerCase().startsWith('access-control-')) continue;
    response.setHeader(name, String(value));
  }
  response.writeHead(statusCode);
  response.end(payload === undefined ? undefined : Buffer.from(payload, isBase64Encoded ? 'base64' : 'utf8'));
  options.log({ method, path: rawPath, status: statusCode, ms: Date.now() - started, function: route.functionName });
}

function findRoute(routes: HttpRoute[], method: string, pathname: string) {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY' && route.method !== '*') continue;
    const found = route.pattern.exec(pathname);
    if (!found) continue;
    try {
      // API Gateway hands the Lambda URL-decoded path parameters.
      const pathParameters = Object.fromEntries(route.params.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
      return { route, pathParameters };
    } catch {
      return { route, pathParameters: null };
    }
  }
  return null;
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  rawPath: string,
  route: HttpRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: JwtClaims | null,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  return httpApiEvent({
    method: route.method,
    route: route.path,
    rawPath,
    rawQueryString: url.search.slice(1),
    queryStringParameters: query,
    ...(route.params.length ? { pathParameters } : {}),
    headers,
    cookies,
    body,
    text: TEXT_TYPES.test(headers['content-type'] ?? 'application/json'),
    claims,
    sourceIp: request.socket.remoteAddress ?? LOOPBACK,
    protocol: `HTTP/${request.httpVersion}`,
  });
}

/** Payload format 2.0 responses: a structured result, or any other value sent as JSON. */
function toResult(result: unknown): APIGatewayProxyStructuredResultV2 & { statusCode: number } {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    return result as APIGatewayProxyStructuredResultV2 & { statusCode: number };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

/** The CORS headers API Gateway adds to an answer, when the request's origin is allowed. */
function corsHeaders(cors: HttpApiCors | undefined, origin: string | undefined): Record<string, string> {
  if (!cors || !origin) return {};
  const anyOrigin = cors.allowedOrigins.includes('*');
  if (!anyOrigin && !cors.allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': anyOrigin && !cors.allowCredentials ? '*' : origin,
    ...(cors.exposedHeaders.length ? { 'access-control-expose-headers': cors.exposedHeaders.join(',') } : {}),
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    ...(anyOrigin ? {} : { vary: 'Origin' }),
  };
}

/** API Gateway answers preflights itself when CORS is configured, whatever the routes. */
function preflight(response: ServerResponse, cors: HttpApiCors, allowed: Record<string, string>): void {
  response.writeHead(204, {
    ...(allowed['access-control-allow-origin']
      ? {
          'access-control-allow-methods': cors.allowedMethods.join(','),
          'access-control-allow-headers': cors.allowedHeaders.join(','),
          ...(cors.maxAge === undefined ? {} : { 'access-control-max-age': String(cors.maxAge) }),
        }
      : {}),
  });
  response.end();
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

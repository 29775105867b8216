import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpGateway } from '#lib/http-gateway';
import type { StageThrottling } from '#lib/gateway-throttling';
import type { HttpApiCors, HttpRoute } from '#lib/serverless-functions';

// The functions set CORS headers of their own (middy http-cors); with httpApi.cors configured,
// API Gateway answers preflights itself and ignores the integration's CORS headers. So does the
// local gateway: here a function answers with CORS headers that contradict the API's.
const APP = 'https://app.example.test';
const cors: HttpApiCors = {
  allowedOrigins: [APP],
  allowedHeaders: ['authorization', 'content-type'],
  allowedMethods: ['GET', 'POST', 'OPTIONS'],
  exposedHeaders: [],
  allowCredentials: false,
  maxAge: 600,
};
const route: HttpRoute = { functionName: 'echo', method: 'POST', path: '/echo', pattern: /^\/echo$/, params: [], authorizer: undefined };
const contradicting = {
  'Access-Control-Allow-Origin': 'https://other.example.test',
  'access-control-expose-headers': 'x-secret',
  'Access-Control-Allow-Credentials': 'true',
};

let server: Server | undefined;
let invocations = 0;

async function gateway(withCors: HttpApiCors | undefined, throttling?: StageThrottling): Promise<string> {
  const started = await startHttpGateway({
    port: 0,
    routes: [route],
    cors: withCors,
    throttling,
    invoke: async () => {
      invocations++;
      return {
        statusCode: 415,
        headers: { 'content-type': 'application/json', ...contradicting },
        body: '{"error":{"code":"UnsupportedMediaType"}}',
      };
    },
    authorize: async () => null,
    log: () => {},
  });
  server = started.server;
  return started.url;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  invocations = 0;
});

const corsHeadersOf = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

describe('local HTTP gateway CORS', () => {
  it("answers with httpApi.cors's headers only, never the function's", async () => {
    const response = await fetch(`${await gateway(cors)}/echo`, { method: 'POST', headers: { origin: APP } });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: { code: 'UnsupportedMediaType' } });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(corsHeadersOf(response)).toEqual({ 'access-control-allow-origin': APP });
  });

  it("sends no CORS header to an origin httpApi.cors does not allow, whatever the function's say", async () => {
    const response = await fetch(`${await gateway(cors)}/echo`, { method: 'POST', headers: { origin: 'https://other.example.test' } });
    expect(response.status).toBe(415);
    expect(corsHeadersOf(response)).toEqual({});
  });

  it('answers preflights itself, without invoking the function', async () => {
    const response = await fetch(`${await gateway(cors)}/echo`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(invocations).toBe(0);
  });

  it("passes the function's CORS headers on when no CORS is configured, as API Gateway does", async () => {
    const response = await fetch(`${await gateway(undefined)}/echo`, { method: 'POST', headers: { origin: APP } });
    expect(corsHeadersOf(response)).toEqual(
      Object.fromEntries(Object.entries(contradicting).map(([name, value]) => [name.toLowerCase(), value])),
    );
  });
});

describe('local HTTP gateway throttling', () => {
  it("answers 429 as API Gateway does once the route's bucket is empty: no function runs, and the app may read it", async () => {
    const url = await gateway({ ...cors, exposedHeaders: ['retry-after'] }, { routes: { 'POST /echo': { rateLimit: 1, burstLimit: 2 } } });
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let n = 0; n < 3; n++) {
      const response = await fetch(`${url}/echo`, { method: 'POST', headers: { origin: APP } });
      statuses.push(response.status);
      if (response.status === 429) throttled = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([415, 415, 429]);
    expect(invocations).toBe(2);
    expect(await throttled!.json()).toEqual({ message: 'Too Many Requests' });
    expect(corsHeadersOf(throttled!)).toEqual({ 'access-control-allow-origin': APP, 'access-control-expose-headers': 'retry-after' });
    // A second later the bucket holds a token again.
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await fetch(`${url}/echo`, { method: 'POST', headers: { origin: APP } })).status).toBe(415);
  });
});

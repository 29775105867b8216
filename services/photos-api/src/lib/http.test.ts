import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '@event-photos/core';
import { httpEvent, jsonOf, lambdaContext } from '../test-support/events';
import { httpHandler, type RouteResult } from '#lib/http';

// The unit tests' CORS_ALLOWED_ORIGIN (vitest.config.ts).
const ALLOWED = 'https://photos.example.test';

const routes: Record<string, () => Promise<RouteResult>> = {
  'a 200': async () => ({ status: 200, body: { ok: true } }),
  'a 204': async () => ({ status: 204, body: undefined }),
  'an AppError (404)': async () => {
    throw new NotFoundError('Event x does not exist', 'eventId');
  },
  'an unexpected error (500)': async () => {
    throw new Error('socket hang up');
  },
};

function invoke(route: () => Promise<RouteResult>, headers: Record<string, string>, handler = httpHandler(route)) {
  return handler(httpEvent({ method: 'GET', path: '/x', headers }), lambdaContext());
}

describe('httpHandler CORS headers', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each(Object.keys(routes))('gives %s the configured origin, for a request from it', async (name) => {
    const result = await invoke(routes[name]!, { origin: ALLOWED });
    expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': ALLOWED, Vary: 'Origin' });
    // Nothing a preflight answer would carry: the HTTP API answers preflights itself.
    expect(Object.keys(result.headers ?? {}).filter((header) => /^access-control-/i.test(header))).toEqual(['Access-Control-Allow-Origin']);
  });

  it('keeps the JSON error envelope and its own headers on an error answer', async () => {
    const result = await invoke(routes['an AppError (404)']!, { origin: ALLOWED });
    expect(result.statusCode).toBe(404);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    expect(jsonOf(result)).toEqual({ error: { code: 'NotFound', message: 'Event x does not exist', field: 'eventId' } });
  });

  it.each([
    ['another origin', { origin: 'https://evil.example.test' }],
    ['a lookalike origin', { origin: `${ALLOWED}.evil.example.test` }],
    ['no Origin header', {}],
  ])('allows no origin for a request with %s', async (_name, headers: Record<string, string>) => {
    const result = await invoke(routes['a 200']!, headers);
    expect(result.statusCode).toBe(200);
    expect(result.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });

  it("answers '*' to any origin when CORS_ALLOWED_ORIGIN is '*' (serverless.yml's default)", async () => {
    vi.stubEnv('CORS_ALLOWED_ORIGIN', '*');
    vi.resetModules();
    const { httpHandler: handlerWithAnyOrigin } = await import('#lib/http');
    const result = await invoke(routes['a 200']!, { origin: 'https://anywhere.example.test' }, handlerWithAnyOrigin(routes['a 200']!));
    expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*' });
    // The same answer for every origin: nothing for caches to vary on.
    expect(result.headers).not.toHaveProperty('Vary');
  });
});

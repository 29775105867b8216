import { describe, expect, it } from 'vitest';
import { httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { jsonBodyHandler } from '#lib/json-body';
import type { RouteMiddleware } from '#lib/http';

// A route that answers the body it was handed: what middy's parser made of the request.
const echo = jsonBodyHandler(async (_event, body) => ({ status: 200, body: { received: body } }));

function invoke(options: HttpEventOptions, handler = echo) {
  return handler(httpEvent({ method: 'POST', path: '/echo', ...options }), lambdaContext());
}

describe('jsonBodyHandler', () => {
  it.each([
    ['application/json', { title: 'Keynote 🎤', size: 1 }],
    ['application/json; charset=utf-8', [1, 'two']],
    ['application/merge-patch+json', { open: false }],
  ])('hands the route the parsed body of a %s request', async (contentType, value) => {
    const result = await invoke({ headers: { 'content-type': contentType }, body: JSON.stringify(value) });
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ received: value });
  });

  it('decodes a base64-encoded body first (API Gateway encodes what it takes for binary)', async () => {
    const body = Buffer.from(JSON.stringify({ title: '키노트' })).toString('base64');
    const result = await invoke({ headers: { 'content-type': 'application/json' }, body, isBase64Encoded: true });
    expect(jsonOf(result)).toEqual({ received: { title: '키노트' } });
  });

  it.each([
    ['text/plain', '{"title":"x"}'],
    ['application/x-www-form-urlencoded', 'title=x'],
    ['multipart/form-data; boundary=x', '--x--'],
    ['application/jsonp', '{}'],
  ])('answers 415 UnsupportedMediaType on field content-type for %s', async (contentType, body) => {
    const result = await invoke({ headers: { 'content-type': contentType }, body });
    expect(result.statusCode).toBe(415);
    expect(jsonOf(result)).toEqual({
      error: { code: 'UnsupportedMediaType', message: 'content-type must be application/json', field: 'content-type' },
    });
  });

  it('answers 415 for a body sent without a Content-Type', async () => {
    const result = await invoke({ headers: {}, body: '{"title":"x"}' });
    expect(result.statusCode).toBe(415);
    expect(jsonOf(result).error.field).toBe('content-type');
  });

  it.each([
    ['no body, no Content-Type', {}],
    ['no body', { headers: { 'content-type': 'application/json' } }],
    ['an empty body', { headers: { 'content-type': 'application/json' }, body: '' }],
    ['an empty body of another type', { headers: { 'content-type': 'text/plain' }, body: '' }],
  ])('answers 400 ValidationError on field body for %s', async (_name, options: HttpEventOptions) => {
    const result = await invoke(options);
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result)).toEqual({ error: { code: 'ValidationError', message: 'body is required (a JSON object)', field: 'body' } });
  });

  it.each([
    ['not JSON', 'not json'],
    ['cut short', '{"title":'],
    ['a trailing comma', '{"title":"x",}'],
  ])('answers 400 ValidationError on field body for a body %s', async (_name, body) => {
    const result = await invoke({ headers: { 'content-type': 'application/json' }, body });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result)).toEqual({
      error: { code: 'ValidationError', message: 'body: Invalid or malformed JSON was provided', field: 'body' },
    });
  });

  it.each([
    ['__proto__', '{"title":"x","__proto__":{"admin":true}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}'],
  ])('refuses a %s key with 400 on field body (prototype pollution)', async (_name, body) => {
    const result = await invoke({ headers: { 'content-type': 'application/json' }, body });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error).toEqual({ code: 'ValidationError', message: 'body: Forbidden key in JSON body', field: 'body' });
  });

  it('runs the middlewares it is given before the parser', async () => {
    const seen: unknown[] = [];
    const spy: RouteMiddleware = { before: ({ event }) => void seen.push(event.body) };
    const result = await invoke(
      { headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
      jsonBodyHandler(async (_event, body) => ({ status: 200, body }), spy),
    );
    expect(jsonOf(result)).toEqual({ a: 1 });
    expect(seen).toEqual(['{"a":1}']);
  });
});

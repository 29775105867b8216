import httpJsonBodyParser from '@middy/http-json-body-parser';
import { UnsupportedMediaTypeError, ValidationError } from '@event-photos/core';
import { httpHandler, type HttpEvent, type RouteMiddleware, type RouteResult } from '#lib/http';

// Only the routes that take a body import this module, so only their bundles hold the parser.

/**
 * A route that takes a JSON body: middy's parser reads it (after `before`, ahead of the route),
 * and the route gets it parsed.
 */
export function jsonBodyHandler(route: (event: HttpEvent, body: unknown) => Promise<RouteResult>, ...before: RouteMiddleware[]) {
  // The parser has replaced event.body (a string) by its JSON value.
  return httpHandler((event) => route(event, event.body as unknown), ...before, jsonBody());
}

/** middy's JSON body parser, its errors turned into ours (the JSON error envelope, a `field`). */
function jsonBody(): RouteMiddleware {
  const parser = httpJsonBodyParser<HttpEvent>();
  return {
    before: async (request) => {
      // Checked first: a request with no body at all usually has no Content-Type either, and
      // "required" says more than 415 would.
      const { body } = request.event;
      if (body === undefined || body === '') throw new ValidationError('body', 'body is required (a JSON object)');
      try {
        await parser.before!(request);
      } catch (error) {
        throw bodyError(error);
      }
    },
  };
}

/** The parser throws middy HttpErrors: 415 for a Content-Type that is not JSON, 422 for the rest. */
function bodyError(error: unknown): unknown {
  switch ((error as { statusCode?: unknown }).statusCode) {
    // Our messages start with the field they are about.
    case 415:
      return new UnsupportedMediaTypeError('content-type', 'content-type must be application/json');
    case 422:
      // middy's message says which: not valid JSON, or a __proto__ / constructor.prototype key
      // (refused against prototype pollution).
      return new ValidationError('body', `body: ${(error as Error).message}`);
    default:
      return error;
  }
}

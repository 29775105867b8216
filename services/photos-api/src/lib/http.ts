import middy, { type MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer as HttpEvent, APIGatewayProxyStructuredResultV2 as HttpResult } from 'aws-lambda';
import { UnauthorizedError, eventIdSchema, inviteIdSchema, memberIdSchema, parseOrThrow, photoIdSchema } from '@event-photos/core';
import { config } from '#lib/config';
import { errorResponse, jsonResponse } from '#lib/error-response';
import { logger } from '#lib/logger';

export type { HttpEvent, HttpResult };
export type RouteResult = { status: number; body: unknown };
export type RouteMiddleware = MiddlewareObj<HttpEvent, HttpResult>;

/**
 * Wraps a route: request-scoped logging, CORS headers, and every error mapped to a JSON response.
 * `before` runs in order ahead of the route (the JSON body parser, a group check).
 */
export function httpHandler(route: (event: HttpEvent) => Promise<RouteResult>, ...before: RouteMiddleware[]) {
  return (
    middy<HttpEvent, HttpResult>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(pathKeysInLogs())
      // Used before errorResponse so that its onError runs after it: error answers get the headers too.
      .use(corsHeaders())
      .use(errorResponse())
      .use(before)
      .handler(async (event) => {
        const { status, body } = await route(event);
        // 204 No Content: no body, so no content type either.
        return status === 204 ? { statusCode: 204, headers: { 'cache-control': 'no-store' } } : jsonResponse(status, body);
      })
  );
}

/**
 * The event and photo the request names, on every log line it writes (one request per
 * invocation, and injectLambdaContext resets the keys before the next). Raw path values, capped:
 * a log line must not be the place a hostile id gets long.
 */
function pathKeysInLogs(): RouteMiddleware {
  return {
    before: ({ event }) => {
      const { eventId, photoId } = event.pathParameters ?? {};
      logger.appendKeys({ ...(eventId && { eventId: eventId.slice(0, 100) }), ...(photoId && { photoId: photoId.slice(0, 100) }) });
    },
  };
}

/**
 * The CORS headers of an answer, for the origin the HTTP API allows (both read param webOrigin).
 * Behind the HTTP API they are replaced by its own (it answers preflights itself, the functions
 * never see them), so they can only agree with it; they make the function's answer right by
 * itself, for any other caller. As the API does: the origin only when the request's is allowed.
 */
function corsHeaders(): RouteMiddleware {
  return httpCors({ origins: [config.corsAllowedOrigin] }) as RouteMiddleware;
}

/** The caller's Cognito user id, as verified by the API's JWT authorizer. */
export function callerId(event: HttpEvent): string {
  const sub = event.requestContext.authorizer?.jwt?.claims?.['sub'];
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError('Unauthorized');
  return sub;
}

export function callerGroups(event: HttpEvent): string[] {
  const groups = event.requestContext.authorizer?.jwt?.claims?.['cognito:groups'];
  if (Array.isArray(groups)) return groups.map(String);
  // API Gateway flattens array claims to "[a b]" strings (a comma may be part of a group name).
  if (typeof groups === 'string')
    return groups
      .replace(/^\[|\]$/g, '')
      .split(/\s+/)
      .filter(Boolean);
  return [];
}

export function pathEventId(event: HttpEvent): string {
  return parseOrThrow(eventIdSchema, event.pathParameters?.['eventId'], 'eventId');
}

export function pathPhotoId(event: HttpEvent): string {
  return parseOrThrow(photoIdSchema, event.pathParameters?.['photoId'], 'photoId');
}

export function pathInviteId(event: HttpEvent): string {
  return parseOrThrow(inviteIdSchema, event.pathParameters?.['inviteId'], 'inviteId');
}

export function pathMemberId(event: HttpEvent): string {
  return parseOrThrow(memberIdSchema, event.pathParameters?.['memberId'], 'memberId');
}

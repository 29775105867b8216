import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer as HttpEvent,
  APIGatewayProxyStructuredResultV2 as HttpResult,
} from 'aws-lambda';
import { UnauthorizedError, ValidationError, eventIdSchema, parseOrThrow, photoIdSchema } from '@event-photos/core';
import { errorResponse, jsonResponse } from '#lib/error-response';
import { logger } from '#lib/logger';

export type { HttpEvent, HttpResult };

/** Wraps a route: request-scoped logging, and every error mapped to a JSON response. */
export function httpHandler(route: (event: HttpEvent) => Promise<{ status: number; body: unknown }>) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorResponse())
    .handler(async (event) => {
      const { status, body } = await route(event);
      // 204 No Content: no body, so no content type either.
      return status === 204 ? { statusCode: 204, headers: { 'cache-control': 'no-store' } } : jsonResponse(status, body);
    });
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
  if (typeof groups === 'string') return groups.replace(/^\[|\]$/g, '').split(/\s+/).filter(Boolean);
  return [];
}

export function pathEventId(event: HttpEvent): string {
  return parseOrThrow(eventIdSchema, event.pathParameters?.['eventId'], 'eventId');
}

export function pathPhotoId(event: HttpEvent): string {
  return parseOrThrow(photoIdSchema, event.pathParameters?.['photoId'], 'photoId');
}

export function jsonBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new ValidationError('body', 'body is required (a JSON object)');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('body', 'body is not valid JSON');
  }
}

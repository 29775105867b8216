import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, QuotaExceededError, TooManyRequestsError } from '@event-photos/core';
import { logger } from '#lib/logger';

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Maps AppErrors to their status as JSON; anything else is a 500 that reveals nothing. */
export function errorResponse(): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof AppError) {
        logger.info('Request refused', { status: error.status, code: error.code, field: error.field });
        request.response = jsonResponse(error.status, {
          error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
        });
        if ((error instanceof QuotaExceededError || error instanceof TooManyRequestsError) && error.retryAfterSeconds !== undefined)
          request.response.headers!['retry-after'] = String(error.retryAfterSeconds);
        return;
      }
      logger.error('Unhandled error', error as Error);
      request.response = jsonResponse(500, { error: { code: 'InternalError', message: 'Internal server error' } });
    },
  };
}

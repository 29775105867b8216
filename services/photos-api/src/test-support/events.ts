// Defaults for the handler unit tests, over the one builder of events in @event-photos/testing.
import {
  httpApiEvent,
  lambdaContext as buildContext,
  s3Event as buildS3Event,
  s3Record as buildS3Record,
  type HttpApiEventInput,
} from '@event-photos/testing';
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '#lib/http';

export const TEST_SUB = 'user-sub-0001';
const TEST_BUCKET = 'photos-bucket-test';

export function lambdaContext(functionName = 'photos-api-test'): Context {
  return buildContext({
    functionName,
    timeoutSeconds: 30,
    memoryMB: 512,
    region: 'eu-west-1',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  });
}

export interface HttpEventOptions extends Omit<HttpApiEventInput, 'rawPath' | 'claims'> {
  path?: string;
  /** JWT claims; `sub` defaults to TEST_SUB. Pass `sub: undefined` to drop it. */
  claims?: Record<string, string | number | boolean | string[] | undefined>;
}

/** An HTTP API (payload 2.0) event through a JWT authorizer, signed in as TEST_SUB by default. */
export function httpEvent({ path, claims, ...options }: HttpEventOptions = {}): HttpEvent {
  return httpApiEvent({ ...options, ...(path ? { rawPath: path } : {}), claims: { sub: TEST_SUB, ...claims } });
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

/** One S3 ObjectCreated record; `encodedKey` is used as given (S3 sends keys URL-encoded). */
export function s3Record(encodedKey: string, { bucket = TEST_BUCKET, size = 1234 } = {}): S3EventRecord {
  return buildS3Record({ encodedKey, bucket, size, region: 'eu-west-1' });
}

export function s3Event(...encodedKeys: string[]): S3Event {
  return buildS3Event(...encodedKeys.map((encodedKey) => ({ encodedKey, bucket: TEST_BUCKET, size: 1234, region: 'eu-west-1' })));
}

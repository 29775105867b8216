import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { STORED_EVENT_ID, storedEvent } from '../test-support/stored-event';
import { handler } from './get-event';

const ddb = mockClient(DynamoDBDocumentClient);
const EVENT_ID = STORED_EVENT_ID;
const stored = storedEvent({ description: 'Day one' });

function invoke(options: HttpEventOptions = {}) {
  return handler(httpEvent({ method: 'GET', path: `/events/${EVENT_ID}`, pathParameters: { eventId: EVENT_ID }, ...options }), lambdaContext());
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: stored });
  ddb.on(QueryCommand).resolves({ Count: 3 });
});

describe('get-event', () => {
  it('returns the event with its processed photo count, not its organizer id', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      eventId: EVENT_ID,
      name: 'Summit',
      description: 'Day one',
      open: true,
      createdAt: stored.createdAt,
      mine: false,
      photoCount: 3,
    });
    expect(result.body).not.toContain('organizer-sub');
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ Select: 'COUNT', ExpressionAttributeValues: { ':photo': 'PHOTO#' } });
  });

  it('says `mine` to its organizer', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...stored, organizerId: TEST_SUB } });
    expect(jsonOf(await invoke({ claims: { 'cognito:groups': ['organizers'] } })).mine).toBe(true);
  });

  it('returns 404 naming the eventId for an unknown event, without counting', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error).toMatchObject({ code: 'NotFound', field: 'eventId' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('returns 400 for an unsafe eventId', async () => {
    const result = await invoke({ pathParameters: { eventId: '..' } });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe('eventId');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});

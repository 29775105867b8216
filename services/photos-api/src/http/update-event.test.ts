import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { STORED_EVENT_ID, storedEvent } from '../test-support/stored-event';
import { handler } from './update-event';

const ddb = mockClient(DynamoDBDocumentClient);
const EVENT_ID = STORED_EVENT_ID;
const stored = storedEvent({ organizerId: TEST_SUB });

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({
      method: 'PATCH',
      path: `/events/${EVENT_ID}`,
      pathParameters: { eventId: EVENT_ID },
      body: { open: false },
      claims: { 'cognito:groups': '[organizers]' },
      ...options,
    }),
    lambdaContext(),
  );
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: stored });
  ddb.on(UpdateCommand).callsFake((input: { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> }) => {
    const changes = Object.fromEntries(
      Object.entries(input.ExpressionAttributeNames).map(([alias, name]) => [name, input.ExpressionAttributeValues[`:${alias.slice(1)}`]]),
    );
    return { Attributes: { ...stored, ...changes } };
  });
});

describe('update-event', () => {
  it('lets the organizer close the event, answering 200 with the event', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({ eventId: EVENT_ID, name: 'Summit', description: '', open: false, createdAt: stored.createdAt, mine: true });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toEqual({ ':organizer': TEST_SUB, ':f0': false });
  });

  it('changes name and description, trimming the name', async () => {
    const result = await invoke({ body: { name: '  Summit 2026 · 서울 ', description: 'Day one\nand two' } });
    expect(jsonOf(result)).toMatchObject({ name: 'Summit 2026 · 서울', description: 'Day one\nand two', open: true });
  });

  it.each([
    ['an attendee (no group)', { claims: {} }],
    ['another organizer', { claims: { sub: 'other-organizer', 'cognito:groups': '[organizers]' } }],
    ['the creator, once out of the organizers group', { claims: { 'cognito:groups': '[admins]' } }],
  ])('returns 403 to %s, changing nothing', async (_name, options) => {
    const result = await invoke(options);
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('returns 403 for an event without a recorded organizer', async () => {
    const { organizerId: _organizerId, ...legacy } = stored;
    ddb.on(GetCommand).resolves({ Item: legacy });
    expect((await invoke()).statusCode).toBe(403);
  });

  it('returns 404 naming the eventId for an unknown event', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await invoke();
    expect(result.statusCode).toBe(404);
    expect(jsonOf(result).error).toMatchObject({ code: 'NotFound', field: 'eventId' });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('returns 404 when the event goes away between the read and the write', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    expect((await invoke()).statusCode).toBe(404);
  });

  it.each([
    ['body', {}],
    ['extra', { open: false, extra: 1 }],
    ['organizerId', { organizerId: 'me' }],
    ['eventId', { eventId: 'other' }],
    ['open', { open: 'no' }],
    ['name', { name: '   ' }],
    ['name', { name: 'n'.repeat(201) }],
    ['description', { description: 'd'.repeat(2001) }],
    ['description', { description: 'bell\u0007' }],
    ['body', 'not json'],
    ['body', undefined],
  ])('returns 400 on field %s for %j, changing nothing', async (field, body) => {
    const result = await invoke({ body });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

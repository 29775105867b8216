import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { handler } from './list-events';

const ddb = mockClient(DynamoDBDocumentClient);
const item = (eventId: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
  pk: `EVENT#${eventId}`,
  sk: 'EVENT',
  gsi1pk: 'EVENTS',
  gsi1sk: `${createdAt}#${eventId}`,
  eventId,
  name: eventId.toUpperCase(),
  createdAt,
  ...extra,
});
const mineItem = item('mine', '2026-05-02T00:00:00.000Z', { organizerId: TEST_SUB, description: 'Ours', open: false });
const othersItem = item('theirs', '2026-05-01T00:00:00.000Z', { organizerId: 'someone-else', description: '', open: true });

function invoke(options: HttpEventOptions = {}) {
  return handler(httpEvent({ method: 'GET', path: '/events', claims: { 'cognito:groups': '[organizers]' }, ...options }), lambdaContext());
}

beforeEach(() => {
  ddb.reset();
  ddb.on(QueryCommand).resolves({ Items: [mineItem, othersItem] });
});

describe('list-events', () => {
  it('lists events in index order with `mine` instead of the organizer id, default page size 50', async () => {
    const result = await invoke();
    expect(result.statusCode).toBe(200);
    expect(jsonOf(result)).toEqual({
      items: [
        { eventId: 'mine', name: 'MINE', description: 'Ours', open: false, createdAt: mineItem.createdAt, mine: true },
        { eventId: 'theirs', name: 'THEIRS', description: '', open: true, createdAt: othersItem.createdAt, mine: false },
      ],
      nextCursor: null,
    });
    expect(result.body).not.toContain(TEST_SUB);
    expect(result.body).not.toContain('someone-else');
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ IndexName: 'gsi1', ScanIndexForward: false, Limit: 50 });
  });

  it('shows an event stored before description and open existed as open, without a description', async () => {
    ddb.on(QueryCommand).resolves({ Items: [item('legacy', '2026-01-01T00:00:00.000Z')] });
    expect(jsonOf(await invoke({ claims: {} })).items).toEqual([
      { eventId: 'legacy', name: 'LEGACY', description: '', open: true, createdAt: '2026-01-01T00:00:00.000Z', mine: false },
    ]);
  });

  it('is not `mine` for the organizer once out of the organizers group', async () => {
    expect(jsonOf(await invoke({ claims: { 'cognito:groups': '[]' } })).items[0].mine).toBe(false);
  });

  it('passes limit and a cursor it made through to the next page', async () => {
    ddb.on(QueryCommand).resolvesOnce({ Items: [mineItem], LastEvaluatedKey: { pk: mineItem.pk, sk: 'EVENT', gsi1pk: 'EVENTS', gsi1sk: mineItem.gsi1sk } });
    const first = jsonOf(await invoke({ queryStringParameters: { limit: '1' } }));
    expect(first.nextCursor).toEqual(expect.any(String));
    await invoke({ queryStringParameters: { limit: '1', cursor: first.nextCursor } });
    const second = ddb.commandCalls(QueryCommand)[1]!.args[0].input;
    expect(second.Limit).toBe(1);
    expect(second.ExclusiveStartKey).toEqual({ pk: mineItem.pk, sk: 'EVENT', gsi1pk: 'EVENTS', gsi1sk: mineItem.gsi1sk });
  });

  it.each([
    ['limit', { limit: '0' }],
    ['limit', { limit: '101' }],
    ['limit', { limit: 'ten' }],
    ['cursor', { cursor: 'garbage' }],
    ['cursor', { cursor: 'x'.repeat(3000) }],
    ['sort', { sort: 'asc' }],
  ])('returns 400 on field %s for %j, without querying', async (field, queryStringParameters) => {
    const result = await invoke({ queryStringParameters });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

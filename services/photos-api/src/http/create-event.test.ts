import { DEFAULT_UPLOAD_QUOTAS } from '@event-photos/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStores, type FakeStores } from '@event-photos/testing/fakes';
import { eventRecord } from '@event-photos/testing/fixtures';
import { tokenGroups } from '#lib/event-organizer';
import { TEST_SUB, httpEvent, jsonOf, lambdaContext, type HttpEventOptions } from '../test-support/events';
import { createHandler } from './create-event';

const body = { eventId: 'summit-2026', name: 'Summit 2026 · 서울' };

let stores: FakeStores;
let handler: ReturnType<typeof createHandler>;

function invoke(options: HttpEventOptions = {}) {
  return handler(
    httpEvent({ method: 'POST', path: '/events', body, claims: { 'cognito:groups': '[organizers]' }, ...options }),
    lambdaContext(),
  );
}

/** The event stored under the request's id, if any. */
const storedEvents = async () => {
  const event = await stores.photos.getEvent(body.eventId);
  return event ? [event] : [];
};

beforeEach(() => {
  stores = fakeStores();
  handler = createHandler(stores, tokenGroups);
});

describe('create-event', () => {
  it('creates the event for an organizer (groups claim flattened to a string)', async () => {
    const before = Date.now();
    const result = await invoke();
    expect(result.statusCode).toBe(201);
    const created = jsonOf(result);
    expect(created).toEqual({
      eventId: body.eventId,
      name: body.name,
      description: '',
      open: true,
      mine: true,
      createdAt: expect.any(String),
      quotas: DEFAULT_UPLOAD_QUOTAS,
    });
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before);
    const event = {
      eventId: body.eventId,
      name: body.name,
      description: '',
      open: true,
      organizerId: TEST_SUB,
      createdAt: created.createdAt,
    };
    await expect(storedEvents()).resolves.toStrictEqual([event]);
    // Recorded as its organizer's: GET /events lists it for them.
    await expect(stores.members.listEventsOf(TEST_SUB, { limit: 10 })).resolves.toStrictEqual({
      items: [{ event, membership: null }],
      nextCursor: null,
    });
  });

  it.each([
    ['an array', ['organizers']],
    ['a flattened list', '[admins organizers]'],
    ['a comma-separated list', '[admins, organizers]'],
    ['a bare string', 'organizers'],
  ])('accepts the organizers group given as %s', async (_name, groups) => {
    expect((await invoke({ claims: { 'cognito:groups': groups } })).statusCode).toBe(201);
  });

  it('keeps a description, with the rules of photo descriptions', async () => {
    expect(jsonOf(await invoke({ body: { ...body, description: '주제 연설\n第一天 🎤' } })).description).toBe('주제 연설\n第一天 🎤');
    expect(jsonOf(await invoke({ body: { ...body, description: 'd'.repeat(2001) } })).error.field).toBe('description');
  });

  it('trims the name', async () => {
    expect(jsonOf(await invoke({ body: { ...body, name: '  Summit  ' } })).name).toBe('Summit');
  });

  it.each([
    ['no groups claim', undefined],
    ['another group', '[admins]'],
    ['a lookalike group', '[organizers-lite]'],
    ['a group containing the name', '[notorganizers]'],
    // API Gateway separates groups with spaces; a comma is part of a (Cognito-valid) group name.
    ['a group whose name has a comma', '[x,organizers]'],
    ['an empty list', '[]'],
    ['an empty array', []],
  ])('returns 403 with %s, before reading the body', async (_name, groups) => {
    const result = await invoke({ claims: { 'cognito:groups': groups }, body: 'not json' });
    expect(result.statusCode).toBe(403);
    expect(jsonOf(result).error.code).toBe('Forbidden');
    await expect(storedEvents()).resolves.toEqual([]);
  });

  it('returns 403, before reading the body, when the check says the pool no longer holds the caller in the group', async () => {
    const inGroup = vi.fn(async () => false);
    handler = createHandler(stores, inGroup);
    const result = await invoke({ body: 'not json' });
    expect(result.statusCode).toBe(403);
    expect(inGroup).toHaveBeenCalledExactlyOnceWith(expect.anything(), 'organizers');
    await expect(storedEvents()).resolves.toEqual([]);
  });

  it('returns 409 on field eventId when the event already exists, keeping the one there', async () => {
    const existing = eventRecord({ eventId: body.eventId, name: 'The first one' });
    await stores.photos.createEvent(existing);
    const result = await invoke();
    expect(result.statusCode).toBe(409);
    const { error } = jsonOf(result);
    expect(error.code).toBe('Conflict');
    expect(error.field).toBe('eventId');
    expect(error.message).toContain('summit-2026');
    await expect(storedEvents()).resolves.toStrictEqual([existing]);
  });

  it.each([
    ['eventId', { ...body, eventId: '..' }],
    ['eventId', { ...body, eventId: 'a/b' }],
    ['eventId', { ...body, eventId: 'a'.repeat(65) }],
    ['eventId', { name: 'x' }],
    ['name', { ...body, name: '   ' }],
    ['name', { ...body, name: 'n'.repeat(201) }],
    ['name', { ...body, name: 'a\nb' }],
    ['extra', { ...body, extra: 1 }],
    ['body', 'not json'],
    ['body', undefined],
  ])('returns 400 on field %s for %j', async (field, requestBody) => {
    const result = await invoke({ body: requestBody });
    expect(result.statusCode).toBe(400);
    expect(jsonOf(result).error.field).toBe(field);
    await expect(storedEvents()).resolves.toEqual([]);
  });

  it('answers a store failure with a generic 500', async () => {
    vi.spyOn(stores.photos, 'createEvent').mockRejectedValue(new Error('socket hang up'));
    const result = await invoke();
    expect(result.statusCode).toBe(500);
    expect(jsonOf(result)).toEqual({ error: { code: 'InternalError', message: 'Internal server error' } });
  });
});

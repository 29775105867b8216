import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventsClient } from '#lib/events-client';
import { json, stubFetch } from '#lib/test-fetch';

const event = {
  eventId: 'summit-2026',
  name: 'Summit 2026',
  description: '',
  open: true,
  createdAt: '2026-11-02T10:00:00.000Z',
  mine: true,
};
const events = createEventsClient({ apiUrl: 'https://api.example.test', getToken: () => 't' });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('events client', () => {
  it('lists every event across pages', async () => {
    const { requests } = stubFetch(
      json(200, { items: [event], nextCursor: 'c' }),
      json(200, { items: [{ ...event, eventId: 'b' }], nextCursor: null }),
    );
    const ids: string[] = [];
    for await (const item of events.events({ limit: 1 })) ids.push(item.eventId);
    expect(ids).toEqual(['summit-2026', 'b']);
    expect(requests.map((request) => request.url)).toEqual([
      'https://api.example.test/events?limit=1',
      'https://api.example.test/events?limit=1&cursor=c',
    ]);
  });

  it('creates, gets and updates', async () => {
    const { requests } = stubFetch(json(201, event), json(200, { ...event, photoCount: 3 }), json(200, { ...event, open: false }));
    await events.createEvent({ eventId: 'summit-2026', name: 'Summit 2026' });
    expect(await events.getEvent('summit-2026')).toMatchObject({ photoCount: 3 });
    expect(await events.updateEvent('summit-2026', { open: false })).toMatchObject({ open: false });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['POST', 'https://api.example.test/events', '{"eventId":"summit-2026","name":"Summit 2026"}'],
      ['GET', 'https://api.example.test/events/summit-2026', undefined],
      ['PATCH', 'https://api.example.test/events/summit-2026', '{"open":false}'],
    ]);
  });
  it('starts an export, reads how far it is, and says why one is refused', async () => {
    const exportId = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
    const ready = {
      exportId,
      status: 'ready',
      photos: 2,
      skipped: 0,
      bytes: 9000,
      createdAt: event.createdAt,
      url: 'https://s3.example/z.zip',
      expiresAt: event.createdAt,
    };
    const { requests } = stubFetch(
      json(202, { exportId }),
      json(200, ready),
      json(403, {
        error: {
          code: 'Forbidden',
          message: 'Only the organizer, and members whose invite allows downloading originals, can download all of event summit-2026',
        },
      }),
    );
    expect(await events.createExport('summit-2026')).toEqual({ exportId });
    expect(await events.getExport('summit-2026', exportId)).toEqual(ready);
    await expect(events.createExport('summit-2026')).rejects.toMatchObject({ status: 403, code: 'Forbidden' });
    expect(requests.map((request) => [request.method, request.url, request.body])).toEqual([
      ['POST', 'https://api.example.test/events/summit-2026/exports', undefined],
      ['GET', `https://api.example.test/events/summit-2026/exports/${exportId}`, undefined],
      ['POST', 'https://api.example.test/events/summit-2026/exports', undefined],
    ]);
  });
});

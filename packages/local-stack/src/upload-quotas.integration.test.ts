import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_UPLOAD_QUOTAS, quotaWindow } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackWithDemoUsers, type ApiCaller } from '#lib/test-support';

// Hourly upload quotas over HTTP against the local stack: an attendee, and the event's organizer.
let stop: () => Promise<void>;
let attendee: ApiCaller;
let organizer: ApiCaller;

beforeAll(async () => {
  ({ stop, attendee, organizer } = await stackWithDemoUsers('quotas'));
});

afterAll(async () => {
  await stop?.();
});

const initiate = (eventId: string) => attendee('POST', `/events/${eventId}/photos/initiate-upload`, { title: 'Burst', contentType: 'image/jpeg', size: 1000 });

describe('upload quotas', () => {
  it("answers the 101st initiate of an attendee in the hour with 429 and Retry-After, until the organizer raises the event's limit", async () => {
    // The counters are per clock hour: do not start the 101 right before one ends.
    const { secondsLeft } = quotaWindow(new Date());
    if (secondsLeft < 60) await sleep(secondsLeft * 1000 + 500);
    const eventId = 'quota-event';
    expect((await organizer('POST', '/events', { eventId, name: 'Quota event' })).status).toBe(201);
    expect((await organizer('GET', `/events/${eventId}`)).json.quotas).toEqual(DEFAULT_UPLOAD_QUOTAS);

    const answers = [];
    for (let n = 0; n < DEFAULT_UPLOAD_QUOTAS.userUploadsPerHour; n++) answers.push((await initiate(eventId)).status);
    expect(answers.filter((status) => status === 201)).toHaveLength(100);

    const refused = await initiate(eventId);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'QuotaExceeded', field: 'quota' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // Only the event's organizer may raise it.
    expect((await attendee('PATCH', `/events/${eventId}`, { quotas: { userUploadsPerHour: 1000 } })).status).toBe(403);

    const raised = await organizer('PATCH', `/events/${eventId}`, { quotas: { userUploadsPerHour: 150 } });
    expect(raised.status).toBe(200);
    expect(raised.json.quotas).toEqual({ ...DEFAULT_UPLOAD_QUOTAS, userUploadsPerHour: 150 });
    expect((await initiate(eventId)).status).toBe(201);
  });

  it('refuses quotas that are not whole positive numbers, naming the field', async () => {
    for (const [quotas, field] of [[{ userUploadsPerHour: 0 }, 'quotas.userUploadsPerHour'], [{ userBytesPerHour: 1.5 }, 'quotas.userBytesPerHour'], [{ perMinute: 5 }, 'perMinute']] as const) {
      const answer = await organizer('PATCH', '/events/demo-event', { quotas });
      expect({ status: answer.status, field: answer.json.error?.field }).toEqual({ status: 400, field });
    }
  });
});

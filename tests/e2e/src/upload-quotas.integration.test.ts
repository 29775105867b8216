import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_UPLOAD_QUOTAS, quotaWindow } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '@event-photos/local-stack';
import { jpegBytes, stackWithDemoUsers, type ApiCaller } from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';

// Upload quotas over HTTP against the local stack, hourly and in total: an attendee, and the
// event's organizer.
let stack: LocalStack;
let stop: () => Promise<void>;
let attendee: ApiCaller;
let organizer: ApiCaller;

beforeAll(async () => {
  ({ stack, stop, attendee, organizer } = await stackWithDemoUsers('quotas'));
});

afterAll(async () => {
  await stop?.();
});

const initiate = (eventId: string) =>
  attendee('POST', `/events/${eventId}/photos/initiate-upload`, { title: 'Burst', contentType: 'image/jpeg', size: 1000 });

describe('upload quotas', () => {
  it("answers the 101st initiate of an attendee in the hour with 429 and Retry-After, until the organizer raises the event's limit", async () => {
    // The counters are per clock hour: do not start the 101 right before one ends.
    const { secondsLeft } = quotaWindow(new Date());
    if (secondsLeft < 60) await sleep(secondsLeft * 1000 + 500);
    const eventId = 'quota-event';
    expect((await organizer('POST', '/events', { eventId, name: 'Quota event' })).status).toBe(201);
    await admit(organizer, attendee, eventId);
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

  it('keeps at most userPhotosTotal photos of an attendee: 429 without Retry-After, a racing upload rejected, a delete frees a place', async () => {
    const eventId = 'total-event';
    expect((await organizer('POST', '/events', { eventId, name: 'Total event' })).status).toBe(201);
    await admit(organizer, attendee, eventId);
    expect((await organizer('PATCH', `/events/${eventId}`, { quotas: { userPhotosTotal: 2 } })).status).toBe(200);
    const initiateFor = async (bytes: Buffer) => {
      const answer = await attendee('POST', `/events/${eventId}/photos/initiate-upload`, {
        title: 'Total',
        contentType: 'image/jpeg',
        size: bytes.length,
      });
      return answer;
    };
    const put = async (initiated: { json: { s3PutObjectUrl: string; method: string; headers: Record<string, string> } }, bytes: Buffer) => {
      const { s3PutObjectUrl, method, headers } = initiated.json;
      expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
    };
    // Three initiated before any is processed (the check at initiate sees none held yet): the
    // third to be processed is over the total and rejected, never ready.
    const files = [jpegBytes(2000), jpegBytes(2001), jpegBytes(2002)];
    const initiated = await Promise.all(files.map(initiateFor));
    expect(initiated.map(({ status }) => status)).toEqual([201, 201, 201]);
    for (const [n, upload] of initiated.entries()) {
      await put(upload, files[n]!);
      await stack.notifications.idle();
    }
    const states = await Promise.all(initiated.map(({ json }) => attendee('GET', `/events/${eventId}/photos/${json.photoId}`)));
    expect(states.map(({ json }) => json.status)).toEqual(['ready', 'ready', 'rejected']);
    expect(states[2]!.json.rejectionReason).toBe('You have reached the number of photos or bytes you may keep in this event');
    expect((await attendee('GET', `/events/${eventId}/photos`)).json.items).toHaveLength(2);

    // Now the check at initiate refuses at once, before any byte is sent.
    const refused = await initiateFor(jpegBytes(2003));
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({
      code: 'QuotaExceeded',
      field: 'quota',
      message: expect.stringContaining('You already have 2 photos'),
    });
    expect(refused.headers.get('retry-after')).toBeNull();

    // A deleted photo no longer counts.
    expect((await attendee('DELETE', `/events/${eventId}/photos/${initiated[0]!.json.photoId}`)).status).toBe(204);
    const again = jpegBytes(2004);
    const next = await initiateFor(again);
    expect(next.status).toBe(201);
    await put(next, again);
    await stack.notifications.idle();
    expect((await attendee('GET', `/events/${eventId}/photos/${next.json.photoId}`)).json.status).toBe('ready');
  });

  it('refuses quotas that are not whole positive numbers, naming the field', async () => {
    for (const [quotas, field] of [
      [{ userUploadsPerHour: 0 }, 'quotas.userUploadsPerHour'],
      [{ userBytesPerHour: 1.5 }, 'quotas.userBytesPerHour'],
      [{ perMinute: 5 }, 'perMinute'],
    ] as const) {
      const answer = await organizer('PATCH', '/events/demo-event', { quotas });
      expect({ status: answer.status, field: answer.json.error?.field }).toEqual({ status: 400, field });
    }
  });
});

import * as z from 'zod/mini';

/**
 * How much one attendee, and a whole event, may initiate per clock hour, and hold in total.
 * Per hour: counted when an upload is initiated (a signed URL is what costs: it lets bytes in),
 * in windows of one hour, atomically. In total: the photos held, counted when processing accepts
 * one and given back when it is deleted, so an upload that never arrives (its URL expires) or is
 * rejected never counts against a total.
 */
export interface UploadQuotas {
  userUploadsPerHour: number;
  userBytesPerHour: number;
  eventUploadsPerHour: number;
  eventBytesPerHour: number;
  userPhotosTotal: number;
  userBytesTotal: number;
  eventPhotosTotal: number;
  eventBytesTotal: number;
}

const GiB = 1024 ** 3;

/**
 * An eager attendee photographs a keynote in bursts: 100 photos an hour is a lot for one person
 * and little for an abuser to do harm with (the 101st waits for the next hour). 2 GiB covers
 * 100 photos of 20 MB. A 2,000-person event where a tenth upload that hard is 20,000 photos
 * and 200 GiB an hour. In total, 2,000 photos (40 GiB) is a keen photographer's whole
 * conference; 200,000 photos (2 TiB) is 100 per attendee of that event. The event's organizer
 * raises any of them (PATCH /events/{eventId}).
 */
export const DEFAULT_UPLOAD_QUOTAS: UploadQuotas = {
  userUploadsPerHour: 100,
  userBytesPerHour: 2 * GiB,
  eventUploadsPerHour: 20_000,
  eventBytesPerHour: 200 * GiB,
  userPhotosTotal: 2_000,
  userBytesTotal: 40 * GiB,
  eventPhotosTotal: 200_000,
  eventBytesTotal: 2048 * GiB,
};

const limit = (max: number) =>
  z.optional(
    z.number({ error: 'must be a number' }).check(
      z.meta({ type: 'integer' }),
      z.refine((value) => Number.isInteger(value), 'must be a whole number'),
      z.minimum(1, 'must be at least 1'),
      z.maximum(max, `must be at most ${max}`),
    ),
  );

/** PATCH /events/{eventId} `quotas`: any of them. */
export const uploadQuotasSchema = z.strictObject({
  userUploadsPerHour: limit(100_000),
  userBytesPerHour: limit(1024 * GiB),
  eventUploadsPerHour: limit(1_000_000),
  eventBytesPerHour: limit(100 * 1024 * GiB),
  userPhotosTotal: limit(1_000_000),
  userBytesTotal: limit(100 * 1024 * GiB),
  eventPhotosTotal: limit(100_000_000),
  eventBytesTotal: limit(1024 * 1024 * GiB),
});

/** The start of the fixed window of `seconds` (counted from the epoch) that `now` is in, and the seconds until the next one. */
export function timeWindow(now: Date, seconds: number): { start: string; secondsLeft: number } {
  const ms = seconds * 1000;
  const start = new Date(Math.floor(now.getTime() / ms) * ms);
  return { start: start.toISOString(), secondsLeft: Math.max(1, Math.ceil((start.getTime() + ms - now.getTime()) / 1000)) };
}

/** The start of the clock hour `now` is in, and the seconds until the next one. */
export const quotaWindow = (now: Date) => timeWindow(now, 3600);

/** The quotas of an event: the defaults, with what its organizer set. */
export function effectiveQuotas(event: { quotas?: Partial<Record<keyof UploadQuotas, number | undefined>> }): UploadQuotas {
  const set = Object.entries(event.quotas ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_UPLOAD_QUOTAS, ...Object.fromEntries(set) };
}

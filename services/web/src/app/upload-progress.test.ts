import { describe, expect, it } from 'vitest';
import { type LiveUpload, overallOf, RateMeter, timeLeftParts } from '#lib/app/upload-progress';

const MB = 1024 * 1024;
const upload = (state: LiveUpload['state'], size: number, loaded = 0): LiveUpload => ({
  id: `${state}-${size}-${loaded}`,
  eventId: 'e',
  name: 'x.jpg',
  size,
  order: 0,
  state,
  loaded,
  percent: 0,
  retryable: true,
});

describe('overall progress', () => {
  it('counts the bytes of what is added or on its way, and the time left at the rate given', () => {
    const overall = overallOf(
      [
        upload('done', 4 * MB),
        upload('processing', 4 * MB),
        upload('uploading', 4 * MB, MB),
        upload('queued', 4 * MB),
        upload('failed', 9 * MB),
        upload('cancelled', 9 * MB),
      ],
      MB,
    );
    expect(overall).toEqual({
      files: 6,
      added: 1,
      failed: 1,
      running: 3,
      totalBytes: 16 * MB,
      sentBytes: 9 * MB,
      secondsLeft: 7,
    });
    expect(overallOf([upload('uploading', MB, 10)], undefined).secondsLeft).toBeUndefined();
    expect(overallOf([upload('done', MB)], undefined).secondsLeft).toBe(0);
  });

  it('measures the rate over the recent past, and starts over when the bytes go down', () => {
    const meter = new RateMeter(10_000);
    meter.sample(0, 0);
    meter.sample(MB, 1000);
    expect(meter.bytesPerSecond(1000)).toBeUndefined(); // too soon to tell
    meter.sample(2 * MB, 2000);
    expect(meter.bytesPerSecond(2000)).toBe(MB);
    for (let t = 3; t <= 30; t++) meter.sample(2 * MB + (t - 2) * 0.5 * MB, t * 1000);
    expect(meter.bytesPerSecond(30_000)).toBeCloseTo(0.5 * MB, -3);
    meter.sample(MB, 31_000);
    expect(meter.bytesPerSecond(31_000)).toBeUndefined();
  });

  it('says the time left as people do', () => {
    expect(timeLeftParts(3)).toEqual({ unit: 'seconds', value: 5 });
    expect(timeLeftParts(41)).toEqual({ unit: 'seconds', value: 45 });
    expect(timeLeftParts(70)).toEqual({ unit: 'minute', value: 1 });
    expect(timeLeftParts(150)).toEqual({ unit: 'minutes', value: 3 });
  });
});

import { describe, expect, it } from 'vitest';
import { UplinkPacer } from '#lib/upload-pacing';

// A simulated uplink, 100 ms a tick: `linkBytesPerSecond` shared by the PUTs running, each of
// which also can send at most `streamBytesPerSecond` (one TCP stream's window on a long path).

interface Link {
  linkBytesPerSecond: number;
  streamBytesPerSecond: number;
}

const TICK_MS = 100;

/** Sends files of these sizes, in order, through the pacer: when each finished (ms) and the widths seen. */
async function simulate(sizes: number[], link: Link, maxConcurrency = 4) {
  let now = 0;
  const pacer = new UplinkPacer({ maxConcurrency, now: () => now });
  const running = new Set<{ left: number; slot: Awaited<ReturnType<UplinkPacer['acquire']>>; index: number }>();
  const finished: number[] = [];
  /** Ticks spent at each width. */
  const widths = new Map<number, number>();
  let next = 0;
  const acquiring = new Set<number>();
  const startWaiting = () => {
    while (next < sizes.length && acquiring.size < maxConcurrency) {
      const index = next++;
      acquiring.add(index);
      void pacer.acquire().then((slot) => {
        acquiring.delete(index);
        running.add({ left: sizes[index]!, slot, index });
      });
    }
  };
  startWaiting();
  while (finished.filter((at) => at !== undefined).length < sizes.length && now < 3_600_000) {
    await Promise.resolve();
    await Promise.resolve();
    if (running.size > 0) widths.set(running.size, (widths.get(running.size) ?? 0) + 1);
    const share = Math.min(link.streamBytesPerSecond, link.linkBytesPerSecond / Math.max(1, running.size)) * (TICK_MS / 1000);
    now += TICK_MS;
    for (const put of [...running]) {
      const bytes = Math.min(put.left, share);
      put.left -= bytes;
      put.slot.sent(bytes);
      if (put.left <= 0) {
        running.delete(put);
        finished[put.index] = now;
        put.slot.release(true);
      }
    }
    startWaiting();
  }
  return { finished, widths, pacer };
}

const MB = 1024 * 1024;

describe('UplinkPacer', () => {
  it('sends one file at a time on a slow uplink, so the first is done in its own wire time', async () => {
    // 1.5 Mbps up, ten 4 MB photos: 22.4 s of wire time each.
    const link = { linkBytesPerSecond: 1_500_000 / 8, streamBytesPerSecond: Infinity };
    const wire = ((4 * MB) / link.linkBytesPerSecond) * 1000;
    const { finished, widths, pacer } = await simulate(Array(10).fill(4 * MB), link);
    expect(finished[0]).toBeLessThanOrEqual(wire + TICK_MS);
    // It tried two at once after the first (no faster) and went back to one, trying again only
    // every two minutes: one PUT at a time for most of the time.
    expect([...widths.keys()].sort()).toEqual([1, 2]);
    expect(widths.get(1)! / (widths.get(1)! + widths.get(2)!)).toBeGreaterThan(0.6);
    expect(finished.at(-1)).toBeLessThanOrEqual(10 * (wire + TICK_MS));
    const rate = pacer.bytesPerSecond()!;
    expect(rate / link.linkBytesPerSecond).toBeCloseTo(1, 1);
  });

  it('widens while more PUTs at once send faster (one stream cannot fill the link)', async () => {
    const link = { linkBytesPerSecond: 8 * MB, streamBytesPerSecond: 2 * MB };
    const { widths, pacer, finished } = await simulate(Array(12).fill(4 * MB), link);
    expect(pacer.limit).toBe(4);
    expect(widths.has(4)).toBe(true);
    // One at a time would take 24 s.
    expect(finished.at(-1)).toBeLessThan(12_000);
  });

  it('widens at once when PUTs are too short to measure (a fast link: round trips dominate)', async () => {
    const link = { linkBytesPerSecond: 100 * MB, streamBytesPerSecond: Infinity };
    const { pacer } = await simulate(Array(6).fill(MB), link, 3);
    expect(pacer.limit).toBe(3);
  });

  it('hands slots out in the order they were asked for, and lets a waiter give up', async () => {
    const pacer = new UplinkPacer({ maxConcurrency: 1 });
    const first = await pacer.acquire();
    const order: string[] = [];
    const cancelled = new AbortController();
    const gone = pacer.acquire(cancelled.signal).catch(() => order.push('gave up'));
    const second = pacer.acquire().then((slot) => {
      order.push('second');
      return slot;
    });
    cancelled.abort();
    await gone;
    first.release(false);
    (await second).release(false);
    expect(order).toEqual(['gave up', 'second']);
    expect(pacer.active).toBe(0);
  });
});

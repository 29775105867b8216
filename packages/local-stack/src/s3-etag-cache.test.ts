import { describe, expect, it } from 'vitest';
import { EtagCache } from '#lib/s3-etag-cache';

describe('EtagCache', () => {
  it('answers what a write or a probe left, and unknown for the rest', async () => {
    const cache = new EtagCache();
    expect(cache.get('b/k')).toBeUndefined();
    cache.written('b/k', '"e1"');
    expect(cache.get('b/k')).toBe('"e1"');
    cache.written('b/k', null);
    expect(cache.get('b/k')).toBeNull();
    cache.written('b/k', undefined);
    expect(cache.get('b/k')).toBeUndefined();
    await cache.probe('b/p', async () => ({ etag: '"p1"' }));
    expect(cache.get('b/p')).toBe('"p1"');
  });

  it('never lets a probe that a write overtook record what it saw', async () => {
    const cache = new EtagCache();
    let answer!: (value: { etag: string | null }) => void;
    const probing = cache.probe('b/k', () => new Promise<{ etag: string | null }>((resolve) => (answer = resolve)));
    cache.written('b/k', '"new"');
    answer({ etag: null }); // what s3rver had before the write finished
    await probing;
    expect(cache.get('b/k')).toBe('"new"');
  });

  it('forgets the oldest entries past its limit', () => {
    const cache = new EtagCache(2);
    cache.written('a', '"1"');
    cache.written('b', '"2"');
    cache.written('c', '"3"');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, '"2"', '"3"']);
  });
});

import { describe, expect, it } from 'vitest';
import type { PhotoView } from '@event-photos/core';
import { SlideOrder } from '#lib/app/slide-order';

const photo = (id: string, title = id) => ({ photoId: id, title }) as PhotoView;
const ids = (order: SlideOrder, steps: number) => Array.from({ length: steps }, () => order.next()?.photoId);

describe('SlideOrder', () => {
  it('shows nothing while the event has no photo', () => {
    const order = new SlideOrder();
    expect(order.next()).toBeUndefined();
    expect(order.previous()).toBeUndefined();
  });

  it('goes round the photos in the order they became ready, and back', () => {
    const order = new SlideOrder();
    order.reset([photo('a'), photo('b'), photo('c')]);
    expect(ids(order, 4)).toEqual(['a', 'b', 'c', 'a']);
    expect(order.previous()?.photoId).toBe('c');
    expect(order.previous()?.photoId).toBe('b');
  });

  it('shows a photo that just arrived next, then carries on from it', () => {
    const order = new SlideOrder();
    order.reset([photo('a'), photo('b'), photo('c')]);
    order.next(); // a
    order.arrive([photo('d'), photo('e'), photo('d')]);
    expect(ids(order, 5)).toEqual(['d', 'e', 'a', 'b', 'c']);
    expect(order.size).toBe(5);
  });

  it('starts with the first photo to arrive in an empty event', () => {
    const order = new SlideOrder();
    order.reset([]);
    order.arrive([photo('a')]);
    expect(order.next()?.photoId).toBe('a');
  });

  it('drops deleted photos: the one on screen gives way to the one after it, the others keep their place', () => {
    const order = new SlideOrder();
    order.reset(['a', 'b', 'c', 'd'].map((id) => photo(id)));
    ids(order, 3); // a b c
    expect(order.remove(['a'])).toBe(false);
    expect(order.current?.photoId).toBe('c');
    expect(order.remove(['c'])).toBe(true);
    expect(ids(order, 3)).toEqual(['d', 'b', 'd']);
  });

  it('never shows a photo deleted before its turn came', () => {
    const order = new SlideOrder();
    order.reset([photo('a')]);
    order.next();
    order.arrive([photo('b')]);
    order.remove(['b']);
    expect(ids(order, 2)).toEqual(['a', 'a']);
  });

  it('shows an edit at once', () => {
    const order = new SlideOrder();
    order.reset([photo('a', 'Old')]);
    order.next();
    order.update([photo('a', 'New'), photo('zz')]);
    expect(order.current?.title).toBe('New');
    expect(order.size).toBe(1);
  });
});

import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const LRUCache = createRequire(import.meta.url)('./lru-cache.cjs') as new (
  capacity: number,
) => {
  get(key: string): unknown;
  peek(key: string): unknown;
  has(key: string): boolean;
  set(key: string, value: unknown): unknown;
  clear(): void;
};

it("keeps the most recently used entries up to its capacity, as mnemonist's LRUCache", () => {
  const cache = new LRUCache(2);
  cache.set('a', 1);
  cache.set('b', 2);
  expect(cache.get('a')).toBe(1); // a is now the most recent
  cache.set('c', 3); // evicts b
  expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
  expect(cache.peek('c')).toBe(3);
  cache.clear();
  expect(cache.has('a')).toBe(false);
});

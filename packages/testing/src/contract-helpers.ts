import { expect } from 'vitest';
import { ValidationError, type PageRequest } from '@event-photos/core';

// What the contract suites share: walking a paged list, and refusing cursors.

/** Every page of a list, following the cursors. */
export async function allPages<T>(list: (page: PageRequest) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.items.length < limit) expect(page.nextCursor).toBeNull();
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

/** What Page promises; an adapter's answer may carry more (the photo list's feed cursor). */
export const pageOf = <T>({ items, nextCursor }: { items: T[]; nextCursor: string | null }) => ({ items, nextCursor });

export async function refusedCursor(list: Promise<unknown>) {
  const error = await list.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('cursor');
}

export const GARBAGE_CURSORS = ['garbage', '!!!', Buffer.from('null').toString('base64url'), Buffer.from('{"v":1}').toString('base64url')];

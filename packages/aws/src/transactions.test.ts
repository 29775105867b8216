import { describe, expect, it } from 'vitest';
import { itemOf } from '#lib/transactions';

describe('itemOf', () => {
  it('reads an item of a cancellation reason as the document client reads items', () => {
    expect(
      itemOf({
        s: { S: 'text' },
        n: { N: '12.5' },
        yes: { BOOL: true },
        nothing: { NULL: true },
        map: { M: { inner: { N: '1' }, list: { L: [{ S: 'a' }, { N: '2' }] } } },
        strings: { SS: ['a', 'b'] },
        numbers: { NS: ['1', '2'] },
        bytes: { B: new Uint8Array([1, 2]) },
      }),
    ).toStrictEqual({
      s: 'text',
      n: 12.5,
      yes: true,
      nothing: null,
      map: { inner: 1, list: ['a', 2] },
      strings: new Set(['a', 'b']),
      numbers: new Set([1, 2]),
      bytes: new Uint8Array([1, 2]),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { foldForSearch } from '#lib/search-text';

describe('foldForSearch', () => {
  it.each([
    ['Straße', 'STRASSE'],
    ['STRAẞE', 'strasse'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['οδος', 'ΟΔΟΣ'],
    ['Café', 'cafe\u0301'],
    ['ﬁesta', 'FIESTA'],
    ['ＡＢＣ', 'abc'],
    ['İstanbul', 'istanbul'],
    ['東京タワー', '東京タワー'],
  ])('folds %j and %j to the same text', (a, b) => {
    expect(foldForSearch(a)).toBe(foldForSearch(b));
  });

  it('keeps accents apart', () => {
    expect(foldForSearch('résumé')).not.toBe(foldForSearch('resume'));
  });
});

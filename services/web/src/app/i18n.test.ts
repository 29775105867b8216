import { afterEach, describe, expect, it } from 'vitest';
import { chooseLanguage, formatDate, formatNumber, localized, translate, useLanguage } from '#lib/app/i18n';

afterEach(() => useLanguage('en'));

describe('chooseLanguage', () => {
  it.each([
    [['ko-KR', 'en-US'], null, 'ko'],
    [['de-DE', 'ko'], null, 'ko'],
    [['en-GB'], null, 'en'],
    [['fr-FR'], null, 'en'],
    [[], null, 'en'],
    [['ko-KR'], 'en', 'en'],
    [['en-US'], 'ko', 'ko'],
    [['en-US'], 'xx', 'en'],
  ] as const)('%j with the choice %s speaks %s', (preferred, saved, expected) => {
    expect(chooseLanguage(preferred, saved)).toBe(expected);
  });
});

describe('in Korean', () => {
  it('translates whole sentences, placeholders kept, and leaves an unknown one in English', () => {
    useLanguage('ko');
    expect(translate('{title} · by {uploader}')).toBe('{title} · {uploader} 님');
    expect(translate('  Loading the photos…\n ')).toBe('사진을 불러오는 중…');
    expect(translate('Not in the catalog')).toBe('Not in the catalog');
    expect(localized({ paused: 'Paused', other: 'Not in the catalog' })).toEqual({ paused: '일시정지됨', other: 'Not in the catalog' });
  });

  it('writes dates and numbers as Korean does', () => {
    useLanguage('ko');
    expect(formatDate('2026-06-01T18:00:00Z')).toMatch(/2026\. 6\. 1\./);
    expect(formatNumber(1234567)).toBe('1,234,567');
    useLanguage('en');
    expect(formatDate('2026-06-01T18:00:00Z')).toMatch(/2026/);
    expect(formatDate('not a date')).toBe('');
  });
});

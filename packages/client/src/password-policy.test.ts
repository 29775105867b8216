import { describe, expect, it } from 'vitest';
import { hasOuterSpace, passwordProblems } from '#lib/password-policy';

describe('password policy (the pool’s, checked before sending)', () => {
  it.each([
    ['', ['length', 'upper', 'lower', 'digit', 'symbol']],
    ['short-A1', ['length']],
    ['alllowercase-1', ['upper']],
    ['ALLUPPERCASE-1', ['lower']],
    ['No-Digits-Here!', ['digit']],
    ['NoSymbolsHere12', ['symbol']],
    ['Two words 1234', []],
    ['Local-Attendee-1!', []],
    ['Ünïcödé-Wörd-1', []],
  ])('%j misses %j', (password, missing) => {
    expect(passwordProblems(password)).toEqual(missing);
  });

  it('counts characters, not UTF-16 units, for the length', () => {
    expect(passwordProblems('Aa1!😀😀😀😀😀😀😀😀')).toEqual([]);
    expect(passwordProblems('Aa1!😀😀😀😀😀😀😀')).toEqual(['length']);
  });

  it('knows Cognito refuses outer white space', () => {
    expect(hasOuterSpace(' Leading-Space-1')).toBe(true);
    expect(hasOuterSpace('Inner space-1A')).toBe(false);
  });
});

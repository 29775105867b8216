import { describe, expect, it } from 'vitest';
import { createCodeAttempts, createPasswordLockout, userLimitKey } from '#lib/cognito-attempts';

const messageOf = (check: () => void) => {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('createPasswordLockout', () => {
  it('locks for 2^(n-5) s after the n-th failure, up to 15 minutes', () => {
    let now = 0;
    const lockout = createPasswordLockout({ now: () => now });
    const lengths: number[] = [];
    for (let failure = 1; failure <= 16; failure++) {
      now = Math.max(now, lockout.lockedUntil('u'));
      lockout.failed('u');
      lengths.push(lockout.lockedUntil('u') ? lockout.lockedUntil('u') - now : 0);
    }
    expect(lengths.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(lengths.slice(4, 10)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
    expect(Math.max(...lengths)).toBe(15 * 60_000);
    expect(messageOf(() => lockout.check('u'))).toBe('Password attempts exceeded');
    expect(messageOf(() => lockout.check('other'))).toBeUndefined();
  });

  it('forgets the count after 15 minutes without attempts, or after a success', () => {
    let now = 0;
    const lockout = createPasswordLockout({ now: () => now });
    for (let failure = 0; failure < 4; failure++) lockout.failed('u');
    now += 15 * 60_000;
    lockout.failed('u');
    expect(lockout.lockedUntil('u')).toBe(0);
    for (let failure = 0; failure < 3; failure++) lockout.failed('u');
    lockout.succeeded('u');
    lockout.failed('u');
    expect(lockout.lockedUntil('u')).toBe(0);
  });
});

describe('createCodeAttempts', () => {
  it('blocks every attempt after 5 wrong codes until the block ends, then counts again', () => {
    let now = 0;
    const attempts = createCodeAttempts({ now: () => now, blockMs: 60_000 });
    for (let failure = 0; failure < 4; failure++) attempts.failed('k');
    expect(messageOf(() => attempts.check('k'))).toBeUndefined();
    attempts.failed('k');
    expect(messageOf(() => attempts.check('k'))).toBe('Attempt limit exceeded, please try after some time.');
    now += 59_999;
    expect(messageOf(() => attempts.check('k'))).toBeDefined();
    now += 1;
    expect(messageOf(() => attempts.check('k'))).toBeUndefined();
    attempts.failed('k');
    expect(messageOf(() => attempts.check('k'))).toBeUndefined();
  });

  it('starts again after a right code', () => {
    const attempts = createCodeAttempts();
    for (let failure = 0; failure < 4; failure++) attempts.failed('k');
    attempts.succeeded('k');
    attempts.failed('k');
    expect(messageOf(() => attempts.check('k'))).toBeUndefined();
  });
});

describe('userLimitKey', () => {
  it('counts a user by its Username, an unknown name by the name in lower case', () => {
    expect(userLimitKey('pool', 'A@Example.com', { Username: 'uuid-1' })).toBe('pool:uuid-1');
    expect(userLimitKey('pool', 'A@Example.com', undefined)).toBe(userLimitKey('pool', 'a@example.com', undefined));
  });
});

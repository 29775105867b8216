import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodeStore } from '#lib/cognito-codes';

describe('createCodeStore', () => {
  it('issues 6 random digits, the latest replacing the one before, each good once', async () => {
    const codes = createCodeStore();
    const seen = new Set<string>();
    for (let index = 0; index < 50; index++) seen.add((await codes.issue('pool', 'u', 'confirmSignUp')).code);
    for (const code of seen) expect(code).toMatch(/^\d{6}$/);
    expect(seen.size).toBeGreaterThan(45);
    const { code } = await codes.issue('pool', 'u', 'confirmSignUp');
    expect(await codes.check('pool', 'u', 'resetPassword', code)).toBe('none');
    expect(await codes.check('pool', 'u', 'confirmSignUp', code === '000000' ? '000001' : '000000')).toBe('mismatch');
    expect(await codes.check('pool', 'u', 'confirmSignUp', code)).toBe('match');
    expect(await codes.check('pool', 'u', 'confirmSignUp', code)).toBe('none');
  });

  it.each([
    ['confirmSignUp', 24 * 3_600_000],
    ['resetPassword', 3_600_000],
  ] as const)('lets a %s code expire after %i ms', async (purpose, lifetime) => {
    let now = 1_000_000;
    const codes = createCodeStore({ now: () => now });
    const { code, expiresAt } = await codes.issue('pool', 'u', purpose);
    expect(expiresAt).toBe(now + lifetime);
    now += lifetime;
    expect(await codes.check('pool', 'u', purpose, code)).toBe('expired');
  });

  it('keeps codes across restarts in its file', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'event-photos-codes-'));
    try {
      const file = path.join(directory, 'codes.json');
      const { code } = await createCodeStore({ stateFile: file }).issue('pool', 'u', 'resetPassword');
      expect(await createCodeStore({ stateFile: file }).check('pool', 'u', 'resetPassword', code)).toBe('match');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

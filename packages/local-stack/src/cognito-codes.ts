import { randomInt, timingSafeEqual } from 'node:crypto';
import { frontState } from '#lib/cognito-state';

/**
 * The codes Cognito sends by e-mail, kept by the front (cognito-local makes its own, never
 * expires them and, for ConfirmForgotPassword, accepts a missing one): 6 random digits, the
 * latest one per user and purpose, valid 24 hours to confirm a sign-up and 1 hour to reset a
 * password, as Cognito's. Kept in cognito/codes.json across restarts.
 */

export type CodePurpose = 'confirmSignUp' | 'resetPassword';

export const CODE_LIFETIME_MS: Record<CodePurpose, number> = {
  confirmSignUp: 24 * 3_600_000,
  resetPassword: 3_600_000,
};

interface StoredCode {
  key: string;
  code: string;
  expiresAt: number;
}

export type CodeCheck = 'match' | 'mismatch' | 'expired' | 'none';

export type CodeStore = ReturnType<typeof createCodeStore>;

export function createCodeStore({ stateFile, now = Date.now }: { stateFile?: string; now?: () => number } = {}) {
  const state = frontState(stateFile, () => ({ codes: [] as StoredCode[] }), isCodes);
  const keyOf = (userPoolId: string, username: string, purpose: CodePurpose) => `${purpose}:${userPoolId}:${username}`;
  const save = () => {
    // An expired code is kept a day longer, so that it answers ExpiredCodeException rather than a mismatch.
    state.value.codes = state.value.codes.filter((code) => code.expiresAt + 24 * 3_600_000 > now());
    return state.save();
  };
  return {
    /** A new code for the user and purpose, replacing the one before. */
    async issue(userPoolId: string, username: string, purpose: CodePurpose): Promise<{ code: string; expiresAt: number }> {
      const key = keyOf(userPoolId, username, purpose);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = now() + CODE_LIFETIME_MS[purpose];
      state.value.codes = state.value.codes.filter((stored) => stored.key !== key);
      state.value.codes.push({ key, code, expiresAt });
      await save();
      return { code, expiresAt };
    },

    /** Compares a given code with the latest one; a match uses it up. */
    async check(userPoolId: string, username: string, purpose: CodePurpose, given: string): Promise<CodeCheck> {
      const key = keyOf(userPoolId, username, purpose);
      const stored = state.value.codes.find((code) => code.key === key);
      if (!stored) return 'none';
      const same = given.length === stored.code.length && timingSafeEqual(Buffer.from(given), Buffer.from(stored.code));
      if (!same) return 'mismatch';
      if (stored.expiresAt <= now()) return 'expired';
      state.value.codes = state.value.codes.filter((code) => code !== stored);
      await save();
      return 'match';
    },

    /** Forgets the user's code for a purpose (a reset code once the password is set otherwise). */
    async drop(userPoolId: string, username: string, purpose: CodePurpose): Promise<void> {
      const key = keyOf(userPoolId, username, purpose);
      const before = state.value.codes.length;
      state.value.codes = state.value.codes.filter((code) => code.key !== key);
      if (state.value.codes.length !== before) await save();
    },
  };
}

function isCodes(value: unknown): value is { codes: StoredCode[] } {
  const codes = (value as { codes?: unknown } | null)?.codes;
  return (
    Array.isArray(codes) &&
    codes.every(
      (code: Partial<StoredCode>) => typeof code?.key === 'string' && typeof code.code === 'string' && typeof code.expiresAt === 'number',
    )
  );
}

import { CognitoRequestError } from '#lib/cognito-errors';

/**
 * Cognito's limits on guessing, which cognito-local lacks: both keep counts per user in memory
 * (a restart forgets them) with a clock that tests can replace.
 */

interface Tally {
  failures: number;
  lockedUntil: number;
  lastAttempt: number;
}

export interface PasswordLockoutOptions {
  now?: () => number;
  /** Failed sign-ins before the first lockout: Cognito's 5. */
  threshold?: number;
  /** The first lockout, doubled at each further failure: Cognito's 1 s. */
  firstLockoutMs?: number;
  /** The longest lockout: Cognito's "about 15 minutes". */
  maxLockoutMs?: number;
  /** Time without any attempt after which the count starts again: Cognito's 15 minutes. */
  forgetAfterMs?: number;
}

export type PasswordLockout = ReturnType<typeof createPasswordLockout>;

/**
 * Cognito's lockout after failed sign-ins: after 5 failures for one user, further attempts
 * answer NotAuthorizedException "Password attempts exceeded" for 1 s; each further failure
 * (after a lockout ends) doubles it, 2^(n-5) s for n failures, up to ~15 minutes. Attempts during
 * a lockout, right or wrong, are refused and do not count. A success outside a lockout, or 15
 * minutes without attempts, starts the count again. The key is the user (unknown names too, so
 * that they lock out alike and existence stays hidden).
 */
export function createPasswordLockout({
  now = Date.now,
  threshold = 5,
  firstLockoutMs = 1_000,
  maxLockoutMs = 15 * 60_000,
  forgetAfterMs = 15 * 60_000,
}: PasswordLockoutOptions = {}) {
  const tallies = new Map<string, Tally>();
  const current = (key: string): Tally | undefined => {
    const tally = tallies.get(key);
    if (tally && now() - Math.max(tally.lastAttempt, tally.lockedUntil) >= forgetAfterMs) {
      tallies.delete(key);
      return undefined;
    }
    return tally;
  };
  const sweep = () => {
    if (tallies.size < 10_000) return;
    for (const key of [...tallies.keys()]) current(key);
  };
  return {
    /** Throws while the user is locked out; call before checking the password. */
    check(key: string): void {
      const tally = current(key);
      if (tally && tally.lockedUntil > now()) {
        throw new CognitoRequestError(400, 'NotAuthorizedException', 'Password attempts exceeded');
      }
    },
    failed(key: string): void {
      sweep();
      const tally = current(key) ?? { failures: 0, lockedUntil: 0, lastAttempt: 0 };
      tally.failures += 1;
      tally.lastAttempt = now();
      if (tally.failures >= threshold) {
        tally.lockedUntil = now() + Math.min(maxLockoutMs, firstLockoutMs * 2 ** (tally.failures - threshold));
      }
      tallies.set(key, tally);
    },
    succeeded(key: string): void {
      tallies.delete(key);
    },
    /** When the user's lockout ends (0: not locked), for tests. */
    lockedUntil(key: string): number {
      return current(key)?.lockedUntil ?? 0;
    },
  };
}

export interface CodeAttemptsOptions {
  now?: () => number;
  /** Wrong codes before the limit: 5. */
  threshold?: number;
  /** How long the limit holds. Cognito does not publish it; 15 minutes here. */
  blockMs?: number;
}

export type CodeAttempts = ReturnType<typeof createCodeAttempts>;

/**
 * Cognito's limit on guessing codes (ConfirmSignUp, ConfirmForgotPassword): after 5 wrong codes
 * for one user and purpose, every attempt, the right code too, answers LimitExceededException
 * "Attempt limit exceeded, please try after some time." until the block ends; then the count
 * starts again. A right code resets it.
 */
export function createCodeAttempts({ now = Date.now, threshold = 5, blockMs = 15 * 60_000 }: CodeAttemptsOptions = {}) {
  const tallies = new Map<string, Tally>();
  const current = (key: string): Tally | undefined => {
    const tally = tallies.get(key);
    // A block that ended, or wrong codes a day old (no code lives longer), count no more.
    if (tally && (tally.lockedUntil !== 0 ? tally.lockedUntil <= now() : now() - tally.lastAttempt >= 24 * 3_600_000)) {
      tallies.delete(key);
      return undefined;
    }
    return tally;
  };
  return {
    check(key: string): void {
      if ((current(key)?.lockedUntil ?? 0) > now()) {
        throw new CognitoRequestError(400, 'LimitExceededException', 'Attempt limit exceeded, please try after some time.');
      }
    },
    failed(key: string): void {
      if (tallies.size >= 10_000) for (const key of [...tallies.keys()]) current(key);
      const tally = current(key) ?? { failures: 0, lockedUntil: 0, lastAttempt: 0 };
      tally.failures += 1;
      tally.lastAttempt = now();
      if (tally.failures >= threshold) tally.lockedUntil = now() + blockMs;
      tallies.set(key, tally);
    },
    succeeded(key: string): void {
      tallies.delete(key);
    },
  };
}

/**
 * The key the limits count a user by: its Username, or for an unknown user the name given (in
 * lower case), so that unknown names lock out as users do and existence stays hidden.
 */
export function userLimitKey(userPoolId: string, username: string, user: { Username: string } | undefined): string {
  return `${userPoolId}:${user ? user.Username : `?${username.toLowerCase()}`}`;
}

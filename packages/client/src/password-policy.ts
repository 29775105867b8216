// The user pool's password policy (infra.serverless.yml, PasswordPolicy), checked in the browser
// before a password is sent, so a guest sees which rule is missing as they type. Cognito checks it
// again (InvalidPasswordException): this is help, not the check.

/** What the pool requires of a password, one rule each. */
export type PasswordRule = 'length' | 'upper' | 'lower' | 'digit' | 'symbol';

/** The pool's MinimumLength. */
export const PASSWORD_MIN_LENGTH = 12;

/** The characters Cognito counts as symbols; a space counts too when it is not first or last. */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

const RULES: Record<PasswordRule, (password: string) => boolean> = {
  length: (password) => [...password].length >= PASSWORD_MIN_LENGTH,
  upper: (password) => /\p{Lu}/u.test(password),
  lower: (password) => /\p{Ll}/u.test(password),
  digit: (password) => /[0-9]/.test(password),
  symbol: (password) => [...password].some((character) => SYMBOLS.has(character)),
};

/** Every rule, in the order a form lists them. */
export const PASSWORD_RULES = Object.keys(RULES) as PasswordRule[];

/** The rules a password misses; empty when the pool would take it. */
export function passwordProblems(password: string): PasswordRule[] {
  return PASSWORD_RULES.filter((rule) => !RULES[rule](password));
}

/** Cognito refuses a password that starts or ends with white space (before its policy). */
export const hasOuterSpace = (password: string) => password !== password.trim();

import { CognitoRequestError } from '#lib/cognito-errors';
import type { PasswordPolicy } from '#lib/cognito-local-data';

/** The characters Cognito counts as symbols (a space counts too, when not first or last). */
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

/**
 * Refuses a password the pool's policy refuses, with Cognito's exception and message
 * (InvalidPasswordException "Password did not conform with policy: ..."), for every call that
 * sets one: SignUp, ConfirmForgotPassword, ChangePassword, RespondToAuthChallenge
 * NEW_PASSWORD_REQUIRED, AdminCreateUser's TemporaryPassword and AdminSetUserPassword. A
 * password with leading or trailing white space, or over 256 characters, fails the API's own
 * pattern first (InvalidParameterException). cognito-local checks none of this.
 */
export function checkPassword(password: unknown, policy: PasswordPolicy | undefined, parameter = 'password'): string {
  if (typeof password !== 'string' || password === '') {
    throw new CognitoRequestError(400, 'InvalidParameterException', `Missing required parameter ${parameter}`);
  }
  if (password.length > 256 || !/^\S(.*\S)?$/su.test(password)) {
    throw new CognitoRequestError(
      400,
      'InvalidParameterException',
      `1 validation error detected: Value at '${parameter}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`,
    );
  }
  const problem = policyProblem(password, policy ?? {});
  if (problem) throw new CognitoRequestError(400, 'InvalidPasswordException', `Password did not conform with policy: ${problem}`);
  return password;
}

function policyProblem(password: string, policy: PasswordPolicy): string | undefined {
  // Cognito's own minimum when a pool names none is 8.
  if ([...password].length < (policy.MinimumLength ?? 8)) return 'Password not long enough';
  if (policy.RequireUppercase && !/\p{Lu}/u.test(password)) return 'Password must have uppercase characters';
  if (policy.RequireLowercase && !/\p{Ll}/u.test(password)) return 'Password must have lowercase characters';
  if (policy.RequireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.RequireSymbols && ![...password].some((character) => SYMBOLS.has(character))) return 'Password must have symbol characters';
  return undefined;
}

/**
 * A temporary password the policy accepts, for AdminCreateUser without one (Cognito makes one
 * up; cognito-local's has 6 characters, which the policy refuses).
 */
export function temporaryPassword(policy: PasswordPolicy | undefined, random: (max: number) => number): string {
  const length = Math.max(policy?.MinimumLength ?? 8, 12);
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '^$*.[]{}()?!@#%&/,><:;|_~=+-'];
  const all = sets.join('');
  const characters = sets.map((set) => set[random(set.length)]!);
  while (characters.length < length) characters.push(all[random(all.length)]!);
  // Shuffled, so the classes are not always in the same places.
  for (let index = characters.length - 1; index > 0; index--) {
    const other = random(index + 1);
    [characters[index], characters[other]] = [characters[other]!, characters[index]!];
  }
  return characters.join('');
}

import { describe, expect, it } from 'vitest';
import { CognitoRequestError } from '#lib/cognito-errors';
import type { PasswordPolicy } from '#lib/cognito-local-data';
import { checkPassword, temporaryPassword } from '#lib/cognito-password-policy';

// The deployed pool's policy (infra.serverless.yml).
const POLICY = { MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true };

const refusal = (password: unknown, policy: PasswordPolicy = POLICY) => {
  try {
    checkPassword(password, policy);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(CognitoRequestError);
    return { type: (error as CognitoRequestError).type, message: (error as CognitoRequestError).message };
  }
};

describe('checkPassword', () => {
  it.each([['Strong-Password-1!'], ['Ünïcödé-Pass-1!'], ['Inner space 1Aa'], ['Exactly12!Aa']])('accepts %s', (password) => {
    expect(refusal(password)).toBeUndefined();
  });

  it.each([
    ['Short-Pw-1!', 'Password not long enough'],
    ['no-upper-case-1!', 'Password must have uppercase characters'],
    ['NO-LOWER-CASE-1!', 'Password must have lowercase characters'],
    ['No-Number-Here!!', 'Password must have numeric characters'],
    ['NoSymbolHere1234', 'Password must have symbol characters'],
  ])('refuses %s: %s (InvalidPasswordException)', (password, problem) => {
    expect(refusal(password)).toEqual({ type: 'InvalidPasswordException', message: `Password did not conform with policy: ${problem}` });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 12345678901234],
    ['with a leading space', ' Strong-Password-1!'],
    ['with a trailing newline', 'Strong-Password-1!\n'],
    ['over 256 characters', `Aa1!${'x'.repeat(253)}`],
  ])('refuses a password %s with InvalidParameterException, before the policy', (_name, password) => {
    expect(refusal(password)).toMatchObject({ type: 'InvalidParameterException' });
  });

  it("uses Cognito's minimum of 8 when the pool names none, and only the classes the policy asks for", () => {
    expect(refusal('abcdefg', {})).toMatchObject({ message: expect.stringContaining('not long enough') });
    expect(refusal('abcdefgh', {})).toBeUndefined();
  });
});

describe('temporaryPassword', () => {
  it('makes passwords the policy accepts, all different', () => {
    const made = new Set<string>();
    for (let index = 0; index < 200; index++) {
      const password = temporaryPassword(POLICY, (max) => Math.floor(Math.random() * max));
      expect(refusal(password)).toBeUndefined();
      made.add(password);
    }
    expect(made.size).toBe(200);
    expect(temporaryPassword({ ...POLICY, MinimumLength: 20 }, () => 0)).toHaveLength(20);
  });
});

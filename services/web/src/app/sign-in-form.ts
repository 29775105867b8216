import { ApiError, signIn, type SignInResult } from '@event-photos/client';
import type { WebConfig } from '#lib/config';
import { byId, errorMessage, say } from '#lib/app/dom';

// Cognito answers a wrong password with NotAuthorizedException (UserNotFoundException when user
// existence errors are not hidden); cognito-local answers InvalidPasswordException.
const WRONG_CREDENTIALS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException']);

/** Email and password, checked by Cognito (USER_PASSWORD_AUTH). */
export class SignInForm {
  readonly #form = byId('sign-in-form', HTMLFormElement);
  readonly #fieldset: HTMLFieldSetElement;
  readonly #email = byId('sign-in-email', HTMLInputElement);
  readonly #password = byId('sign-in-password', HTMLInputElement);
  readonly #message = byId('sign-in-message', HTMLElement);

  constructor(config: WebConfig, onSignedIn: (email: string, result: SignInResult) => void) {
    this.#fieldset = this.#form.querySelector('fieldset')!;
    this.#form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const email = this.#email.value.trim();
      this.#fieldset.disabled = true;
      say(this.#message, 'Signing in…');
      try {
        const result = await signIn({
          cognitoEndpoint: config.cognitoEndpoint,
          region: config.region,
          clientId: config.userPoolClientId,
          email,
          password: this.#password.value,
        });
        this.#form.reset();
        say(this.#message);
        onSignedIn(email, result);
      } catch (error) {
        this.#fieldset.disabled = false;
        say(this.#message, messageFor(error));
        this.#password.select();
      } finally {
        this.#fieldset.disabled = false;
      }
    });
  }

  /** Shows the form, with a notice such as "your session expired". */
  focus(notice = ''): void {
    say(this.#message, notice);
    this.#email.focus();
  }
}

function messageFor(error: unknown): string {
  if (error instanceof ApiError && WRONG_CREDENTIALS.has(error.code)) return 'Incorrect email or password.';
  return `Could not sign in: ${errorMessage(error)}`;
}

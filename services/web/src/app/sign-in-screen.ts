import { ApiError, plainErrorMessage, signIn, type SignInResult } from '@event-photos/client';
import type { WebConfig } from '#lib/config';
import { byId, say } from '#lib/app/dom';

// Cognito answers a wrong password (and, with user existence errors hidden as the deployed client
// does, an unknown user) with NotAuthorizedException; UserNotFoundException when they are not hidden.
// The local stack's SRP front answers as Cognito does; InvalidPasswordException was cognito-local's.
const WRONG_CREDENTIALS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException']);

/** Email and password, checked by Cognito with SRP (USER_SRP_AUTH: the password stays in the browser). The form is in the screen already. */
export function startSignIn(config: WebConfig, notice: string, onSignedIn: (email: string, result: SignInResult) => void): void {
  const form = byId('sign-in-form', HTMLFormElement);
  const fieldset = form.querySelector('fieldset')!;
  const email = byId('sign-in-email', HTMLInputElement);
  const password = byId('sign-in-password', HTMLInputElement);
  const message = byId('sign-in-message', HTMLElement);
  say(message, notice);
  email.focus();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fieldset.disabled = true;
    say(message, 'Signing in…');
    try {
      const result = await signIn({
        cognitoEndpoint: config.cognitoEndpoint,
        region: config.region,
        userPoolId: config.userPoolId,
        clientId: config.userPoolClientId,
        email: email.value.trim(),
        password: password.value,
      });
      say(message);
      onSignedIn(email.value.trim(), result);
    } catch (error) {
      fieldset.disabled = false;
      say(
        message,
        error instanceof ApiError && WRONG_CREDENTIALS.has(error.code)
          ? 'Incorrect email or password.'
          : plainErrorMessage(error, 'Signing in'),
      );
      password.select();
    }
  });
}

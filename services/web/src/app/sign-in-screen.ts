import { ApiError, NewPasswordRequiredError, plainErrorMessage, resendConfirmationCode, signIn } from '@event-photos/client';
import { type AuthContext, type AuthStep, onSubmit } from '#lib/app/auth-flow';
import { byId, tell } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  signingIn: 'Signing in…',
  subject: 'Signing in',
});

/**
 * E-mail and password, checked by Cognito with SRP (USER_SRP_AUTH: the password stays in the
 * browser). An account that is not confirmed yet goes to the code screen (a new code is sent); an
 * account an administrator made, to choosing its own password.
 */
export function startSignIn(context: AuthContext, step: Extract<AuthStep, { screen: 'sign-in' }>): void {
  const form = byId('sign-in-form', HTMLFormElement);
  const email = byId('sign-in-email', HTMLInputElement);
  const password = byId('sign-in-password', HTMLInputElement);
  const message = byId('sign-in-message', HTMLElement);
  email.value = step.email ?? '';
  tell(message, step.notice ?? '');
  (step.email ? password : email).focus();
  const typedEmail = () => email.value.trim();
  byId('sign-in-forgot', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'forgot', email: typedEmail() }));
  byId('sign-in-sign-up', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-up', email: typedEmail() }));

  onSubmit(
    form,
    message,
    async () => {
      tell(message, TEXT.signingIn);
      try {
        const result = await signIn({ ...context.cognito, userPoolId: context.userPoolId, email: typedEmail(), password: password.value });
        tell(message);
        context.signedIn(typedEmail(), result);
      } catch (error) {
        if (error instanceof NewPasswordRequiredError) return context.go({ screen: 'new-password', email: typedEmail(), challenge: error });
        if (error instanceof ApiError && error.code === 'UserNotConfirmedException') {
          // The first code may be lost or past its 24 hours: a new one goes out with the screen.
          const delivery = await resendConfirmationCode({ ...context.cognito, email: typedEmail() });
          return context.go({ screen: 'confirm', email: typedEmail(), password: password.value, destination: delivery.destination });
        }
        password.select();
        throw error;
      }
    },
    (error) => plainErrorMessage(error, TEXT.subject),
  );
}

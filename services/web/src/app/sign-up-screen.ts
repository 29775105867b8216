import { plainErrorMessage, signUp } from '@event-photos/client';
import { type AuthContext, type AuthStep, onSubmit } from '#lib/app/auth-flow';
import { byId, tell } from '#lib/app/dom';
import { passwordField } from '#lib/app/password-field';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  subject: 'Creating the account',
  emailMissing: 'Enter your e-mail address.',
  nameMissing: 'Enter your name: the others in the event see it next to your photos.',
  creating: 'Creating your account…',
});

/** E-mail, display name and password (the pool's rules shown and checked first); Cognito e-mails a code. */
export function startSignUp(screen: HTMLElement, context: AuthContext, step: Extract<AuthStep, { screen: 'sign-up' }>): void {
  const form = byId('sign-up-form', HTMLFormElement);
  const email = byId('sign-up-email', HTMLInputElement);
  const name = byId('sign-up-name', HTMLInputElement);
  const message = byId('sign-up-message', HTMLElement);
  const password = passwordField(screen);
  email.value = step.email ?? '';
  email.focus();
  byId('sign-up-sign-in', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in', email: email.value.trim() }));

  onSubmit(
    form,
    message,
    async () => {
      // Checked here (the form is novalidate), so that every problem is said in the same place.
      if (!email.value.trim() || !email.checkValidity()) {
        email.focus();
        return tell(message, TEXT.emailMissing, { error: true });
      }
      if (!name.value.trim()) {
        name.focus();
        return tell(message, TEXT.nameMissing, { error: true });
      }
      if (!password.check(message)) return;
      tell(message, TEXT.creating);
      const result = await signUp({
        ...context.cognito,
        email: email.value.trim(),
        name: name.value.trim(),
        password: password.input.value,
      });
      context.go({
        screen: 'confirm',
        email: email.value.trim(),
        password: password.input.value,
        ...(result.codeDelivery ? { destination: result.codeDelivery.destination } : {}),
      });
    },
    (error) => plainErrorMessage(error, TEXT.subject),
  );
}

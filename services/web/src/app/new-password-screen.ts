import { completeNewPassword, plainErrorMessage } from '@event-photos/client';
import { type AuthContext, type AuthStep, onSubmit } from '#lib/app/auth-flow';
import { byId, tell } from '#lib/app/dom';
import { passwordField } from '#lib/app/password-field';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  nameMissing: 'Enter your name: the others in the event see it next to your photos.',
  saving: 'Saving your password…',
  subject: 'Saving the password',
});

/**
 * The first sign-in of an account an administrator made (NEW_PASSWORD_REQUIRED): the guest
 * chooses their own password, and a display name if the account has none; then they are signed in.
 */
export function startNewPassword(screen: HTMLElement, context: AuthContext, step: Extract<AuthStep, { screen: 'new-password' }>): void {
  const { challenge } = step;
  const form = byId('new-password-form', HTMLFormElement);
  const message = byId('new-password-message', HTMLElement);
  const name = byId('new-password-name', HTMLInputElement);
  const password = passwordField(screen);
  const asksName = challenge.requiredAttributes.includes('name') || !challenge.userAttributes['name'];
  byId('new-password-name-field', HTMLElement).hidden = !asksName;
  (asksName ? name : password.input).focus();
  byId('new-password-back', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in', email: step.email }));

  onSubmit(
    form,
    message,
    async () => {
      if (asksName && !name.value.trim()) {
        name.focus();
        return tell(message, TEXT.nameMissing, { error: true });
      }
      if (!password.check(message)) return;
      tell(message, TEXT.saving);
      const result = await completeNewPassword({
        ...context.cognito,
        session: challenge.session,
        username: challenge.username,
        newPassword: password.input.value,
        ...(asksName ? { name: name.value.trim() } : {}),
      });
      context.signedIn(step.email, result);
    },
    (error) => plainErrorMessage(error, TEXT.subject),
  );
}

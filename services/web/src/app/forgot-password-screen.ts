import { confirmForgotPassword, forgotPassword, plainErrorMessage, signIn } from '@event-photos/client';
import { type AuthContext, type AuthStep, onResend, onSubmit } from '#lib/app/auth-flow';
import { byId, fill, say, tell } from '#lib/app/dom';
import { passwordField } from '#lib/app/password-field';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  sending: 'Sending the code…',
  sentTo: 'If there is an account for this address, we sent a 6-digit code to {destination}. It can take a minute to arrive.',
  sent: 'If there is an account for this address, we e-mailed it a 6-digit code. It can take a minute to arrive.',
  resent: 'A new code is on its way. Use the newest one.',
  saving: 'Saving your new password…',
  saved: 'Your new password is saved. Sign in with it.',
  subjectSend: 'Sending the code',
  subjectReset: 'Resetting the password',
});

/** Step one of a password reset: the e-mail address; Cognito e-mails a code (and says the same for an unknown address). */
export function startForgotPassword(context: AuthContext, step: Extract<AuthStep, { screen: 'forgot' }>): void {
  const form = byId('forgot-form', HTMLFormElement);
  const email = byId('forgot-email', HTMLInputElement);
  const message = byId('forgot-message', HTMLElement);
  email.value = step.email ?? '';
  email.focus();
  byId('forgot-back', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in', email: email.value.trim() }));
  onSubmit(
    form,
    message,
    async () => {
      tell(message, TEXT.sending);
      const delivery = await forgotPassword({ ...context.cognito, email: email.value.trim() });
      context.go({ screen: 'reset', email: email.value.trim(), destination: delivery.destination });
    },
    (error) => plainErrorMessage(error, TEXT.subjectSend),
  );
}

/** Step two: the e-mailed code and a new password (the pool's rules shown and checked first); then signed in with it. */
export function startResetPassword(screen: HTMLElement, context: AuthContext, step: Extract<AuthStep, { screen: 'reset' }>): void {
  const form = byId('reset-form', HTMLFormElement);
  const code = byId('reset-code', HTMLInputElement);
  const message = byId('reset-message', HTMLElement);
  const sent = byId('reset-sent', HTMLElement);
  const password = passwordField(screen);
  const showSent = (destination?: string) => say(sent, destination ? fill(TEXT.sentTo, { destination }) : TEXT.sent);
  showSent(step.destination);
  code.focus();
  byId('reset-back', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in', email: step.email }));
  onResend(byId('reset-resend', HTMLButtonElement), message, () => forgotPassword({ ...context.cognito, email: step.email }), {
    showSent,
    resent: TEXT.resent,
    subject: TEXT.subjectSend,
  });

  onSubmit(
    form,
    message,
    async () => {
      if (!password.check(message)) return;
      tell(message, TEXT.saving);
      const newPassword = password.input.value;
      await confirmForgotPassword({ ...context.cognito, email: step.email, code: code.value.trim(), newPassword });
      try {
        const result = await signIn({ ...context.cognito, userPoolId: context.userPoolId, email: step.email, password: newPassword });
        context.signedIn(step.email, result);
      } catch {
        context.go({ screen: 'sign-in', email: step.email, notice: TEXT.saved });
      }
    },
    (error) => plainErrorMessage(error, TEXT.subjectReset),
  );
}

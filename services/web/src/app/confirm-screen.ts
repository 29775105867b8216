import { confirmSignUp, plainErrorMessage, resendConfirmationCode, signIn } from '@event-photos/client';
import { type AuthContext, type AuthStep, onResend, onSubmit } from '#lib/app/auth-flow';
import { byId, fill, say, tell } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  sentTo: 'We sent a 6-digit code to {destination}. Enter it here to confirm your e-mail address. It can take a minute to arrive.',
  sent: 'We e-mailed you a 6-digit code. Enter it here to confirm your e-mail address. It can take a minute to arrive.',
  confirming: 'Confirming…',
  resent: 'A new code is on its way. Use the newest one.',
  confirmed: 'Your e-mail address is confirmed. Sign in to continue.',
  subject: 'Confirming the e-mail address',
});

/** The code Cognito e-mailed at sign-up; then the guest is signed in (with the password typed a moment ago). */
export function startConfirm(context: AuthContext, step: Extract<AuthStep, { screen: 'confirm' }>): void {
  const form = byId('confirm-form', HTMLFormElement);
  const code = byId('confirm-code', HTMLInputElement);
  const message = byId('confirm-message', HTMLElement);
  const sent = byId('confirm-sent', HTMLElement);
  const showSent = (destination?: string) => say(sent, destination ? fill(TEXT.sentTo, { destination }) : TEXT.sent);
  showSent(step.destination);
  tell(message, step.notice ?? '');
  code.focus();
  byId('confirm-back', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-up', email: step.email }));
  onResend(byId('confirm-resend', HTMLButtonElement), message, () => resendConfirmationCode({ ...context.cognito, email: step.email }), {
    showSent,
    resent: TEXT.resent,
    subject: TEXT.subject,
  });

  onSubmit(
    form,
    message,
    async () => {
      tell(message, TEXT.confirming);
      await confirmSignUp({ ...context.cognito, email: step.email, code: code.value.trim() });
      if (step.password) {
        try {
          const result = await signIn({ ...context.cognito, userPoolId: context.userPoolId, email: step.email, password: step.password });
          return context.signedIn(step.email, result);
        } catch {
          // Confirmed all the same: the sign-in screen says so, and the guest signs in there.
        }
      }
      context.go({ screen: 'sign-in', email: step.email, notice: TEXT.confirmed });
    },
    (error) => plainErrorMessage(error, TEXT.subject),
  );
}

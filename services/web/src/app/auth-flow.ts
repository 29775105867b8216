import {
  type CodeDelivery,
  type CognitoClientOptions,
  type NewPasswordRequiredError,
  plainErrorMessage,
  type SignInResult,
} from '@event-photos/client';
import { byId, element, fillInto, showTemplate, templateCopy, tell } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';
import type { InviteLink } from '#lib/app/invite-link';

const TEXT = localized({
  banner: 'Once you are in, you join {name}.',
});

/** Each screen of being signed out, and what it starts with. */
export type AuthStep =
  | { screen: 'invite' }
  | { screen: 'sign-in'; email?: string; notice?: string }
  | { screen: 'sign-up'; email?: string }
  /** `password` (kept in memory only) signs the guest in once the code is right. */
  | { screen: 'confirm'; email: string; password?: string; destination?: string; notice?: string }
  | { screen: 'forgot'; email?: string }
  | { screen: 'reset'; email: string; destination?: string }
  | { screen: 'new-password'; email: string; challenge: NewPasswordRequiredError };

/** What every signed-out screen gets. */
export interface AuthContext {
  /** The app client, for every Cognito call. */
  cognito: Omit<CognitoClientOptions, 'signal'>;
  userPoolId: string;
  /** The invite the page was opened with: joined once signed in. */
  invite: InviteLink | null;
  /** Shows another step. */
  go(step: AuthStep): void;
  signedIn(email: string, result: SignInResult): void;
}

/** The steps that wait for an e-mail: a phone that reloads the tab on return from the mail app comes back to them. */
const WAITING_KEY = 'event-photos.waiting-for-code';

/** The step to show after a reload: the code screen the guest left for their mail, if any. */
export function waitingStep(storage: Storage | null): AuthStep | null {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(WAITING_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { screen, email, destination } = parsed as Record<string, unknown>;
    if ((screen !== 'confirm' && screen !== 'reset') || typeof email !== 'string') return null;
    return { screen, email, ...(typeof destination === 'string' ? { destination } : {}) };
  } catch {
    return null;
  }
}

/** Remembers a code step (the e-mail and where the code went; never a password), or forgets it. */
export function rememberStep(storage: Storage | null, step: AuthStep | null): void {
  try {
    if (step && (step.screen === 'confirm' || step.screen === 'reset')) {
      storage?.setItem(WAITING_KEY, JSON.stringify({ screen: step.screen, email: step.email, destination: step.destination }));
    } else storage?.removeItem(WAITING_KEY);
  } catch {
    // Storage disabled: a reload starts over.
  }
}

/** Draws a signed-out screen from its template, with the invite's banner above it when there is one. */
export function showAuthTemplate(screen: HTMLElement, templateId: string, invite: InviteLink | null): void {
  showTemplate(screen, templateId);
  if (!invite?.name || templateId === 'invite-template') return;
  screen.prepend(templateCopy('invite-banner-template'));
  fillInto(byId('invite-banner', HTMLElement), TEXT.banner, { name: element('strong', { text: `“${invite.name}”` }) });
}

/** Runs a form's submit: the fieldset off while `work` runs, its error said in `message`. */
export function onSubmit(
  form: HTMLFormElement,
  message: HTMLElement,
  work: () => Promise<void>,
  describe: (error: unknown) => string,
): void {
  const fieldset = form.querySelector('fieldset')!;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fieldset.disabled = true;
    tell(message);
    try {
      await work();
    } catch (error) {
      tell(message, describe(error), { error: true });
    } finally {
      fieldset.disabled = false;
    }
  });
}

/**
 * A "Send a new code" button: asks Cognito for another code, says where it went (`showSent`) and
 * that the newest one counts (`resent`), or why not.
 */
export function onResend(
  button: HTMLButtonElement,
  message: HTMLElement,
  send: () => Promise<CodeDelivery>,
  { showSent, resent, subject }: { showSent(destination: string): void; resent: string; subject: string },
): void {
  button.addEventListener('click', async () => {
    tell(message);
    try {
      showSent((await send()).destination);
      tell(message, resent);
    } catch (error) {
      tell(message, plainErrorMessage(error, subject), { error: true });
    }
  });
}

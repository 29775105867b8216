import type { AuthContext } from '#lib/app/auth-flow';
import { byId, fill, say } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  named: 'Add your photos to “{name}”',
  unnamed: 'Add your photos to the event',
});

/**
 * What a guest sees first when they open an invite link signed out: the event's name (from the
 * link: nothing about the event can be read before joining) and the two ways in.
 */
export function startInvite(context: AuthContext): void {
  const name = context.invite?.name ?? '';
  say(byId('invite-heading', HTMLElement), name ? fill(TEXT.named, { name }) : TEXT.unnamed);
  const signUp = byId('invite-sign-up', HTMLButtonElement);
  signUp.addEventListener('click', () => context.go({ screen: 'sign-up' }));
  byId('invite-sign-in', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in' }));
  signUp.focus();
}

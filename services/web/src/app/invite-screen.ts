import type { AuthContext } from '#lib/app/auth-flow';
import { byId, say } from '#lib/app/dom';

/**
 * What a guest sees first when they open an invite link signed out: the event's name (from the
 * link: nothing about the event can be read before joining) and the two ways in.
 */
export function startInvite(context: AuthContext): void {
  const name = context.invite?.name ?? '';
  for (const heading of document.querySelectorAll<HTMLElement>('[data-named]')) heading.hidden = !name;
  for (const heading of document.querySelectorAll<HTMLElement>('[data-unnamed]')) heading.hidden = !!name;
  say(byId('invite-event-name', HTMLElement), name);
  const signUp = byId('invite-sign-up', HTMLButtonElement);
  signUp.addEventListener('click', () => context.go({ screen: 'sign-up' }));
  byId('invite-sign-in', HTMLButtonElement).addEventListener('click', () => context.go({ screen: 'sign-in' }));
  signUp.focus();
}

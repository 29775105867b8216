import { ApiError, createMembersClient, plainErrorMessage } from '@event-photos/client';
import { byId, fill, say, showTemplate } from '#lib/app/dom';
import { forgetInviteInUrl, type InviteLink } from '#lib/app/invite-link';
import type { ScreenContext } from '#lib/app/screen-context';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  headingNamed: 'Joining “{name}”',
  heading: 'Joining the event',
  title: 'Joining · Event Photos',
  joining: 'One moment: you are joining the event…',
  invalid: 'This invite link is not valid any more; ask the organizer for a new one.',
  subject: 'Joining the event',
});

/**
 * Signed in with an invite link: joins the event with the link's code (POST .../members, the
 * code in the body only), remembers what the invite allows, takes the code out of the address
 * bar and shows the event.
 */
export function showJoinScreen(screen: HTMLElement, invite: InviteLink, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'join-template');
  document.title = TEXT.title;
  say(byId('join-heading', HTMLElement), invite.name ? fill(TEXT.headingNamed, { name: invite.name }) : TEXT.heading);
  const status = byId('join-status', HTMLElement);
  say(status, TEXT.joining);
  const members = createMembersClient({ apiUrl: config.apiUrl, getToken: (options) => session.token(options) });
  members.join(invite.eventId, invite.code, { signal }).then(
    (joined) => {
      if (signal.aborted) return;
      session.rememberRights(invite.eventId, joined);
      forgetInviteInUrl(invite.eventId);
      context.redraw();
    },
    (error: unknown) => {
      if (signal.aborted) return;
      say(status);
      // A wrong, revoked or expired code answers 404, as an unknown event does.
      const invalid = error instanceof ApiError && error.status === 404;
      say(byId('join-error', HTMLElement), invalid ? TEXT.invalid : plainErrorMessage(error, TEXT.subject));
      byId('join-next', HTMLElement).hidden = false;
      context.onError(error);
    },
  );
}

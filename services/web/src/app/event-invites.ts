import { type MembersClient, plainErrorMessage } from '@event-photos/client';
import type { InviteRights, InviteView } from '@event-photos/core';
import { byId, element, fill, formatDate, say } from '#lib/app/dom';
import { inviteUrl } from '#lib/app/invite-link';
import { showShareLink } from '#lib/app/share-link';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  creating: 'Creating the link…',
  created: 'Link created.',
  subjectCreate: 'Creating the invite link',
  subjectList: 'Loading the invite links',
  subjectRevoke: 'Revoking the invite link',
  expiryPast: 'Choose an end date in the future, or none.',
  upload: 'Add photos',
  noUpload: 'See only, no uploads',
  viewOthers: 'See everyone’s photos',
  ownOnly: 'See only their own photos',
  download: 'Download originals',
  created_on: 'Created {date}',
  expires: 'Stops working {date}',
  noExpiry: 'Works until revoked',
  revoked: 'Revoked {date}',
  expired: 'Expired {date}',
  revoke: 'Revoke',
  revokeLabel: 'Revoke the invite link created {date}',
  confirmRevoke: 'Revoke this invite link? Nobody can join with it any more; guests who joined with it stay.',
});

/** An invite's rights in words, as short phrases for a list. */
export function rightsInWords(rights: InviteRights): string[] {
  return [
    rights.upload ? TEXT.upload : TEXT.noUpload,
    rights.viewOthers ? TEXT.viewOthers : TEXT.ownOnly,
    ...(rights.downloadOriginals ? [TEXT.download] : []),
  ];
}

/** Short phrases in a line, each its own element (styles.css puts a dot between them). */
export function phrases(className: string, texts: string[]): HTMLParagraphElement {
  const line = element('p', { className: `phrases ${className}` });
  line.append(...texts.map((text) => element('span', { text })));
  return line;
}

/**
 * For the event's organizer: create an invite link (what it allows, when it stops working), shown
 * once as a link and a QR code; the list of links (without their codes), each revocable.
 */
export function startEventInvites(
  members: MembersClient,
  event: { eventId: string; name(): string },
  { signal, onError }: { signal: AbortSignal; onError(error: unknown): void },
): void {
  byId('invite-panel', HTMLElement).hidden = false;
  const form = byId('invite-form', HTMLFormElement);
  const fieldset = form.querySelector('fieldset')!;
  const upload = byId('invite-upload', HTMLInputElement);
  const viewOthers = byId('invite-view-others', HTMLInputElement);
  const download = byId('invite-download', HTMLInputElement);
  const expires = byId('invite-expires', HTMLInputElement);
  const message = byId('invite-message', HTMLElement);
  const list = byId('invite-list', HTMLUListElement);
  const listMessage = byId('invites-message', HTMLElement);
  let shown: AbortController | null = null;

  const load = async () => {
    try {
      const { items } = await members.listInvites(event.eventId, { signal });
      list.replaceChildren(...items.map((invite) => inviteItem(invite)));
      byId('invites-empty', HTMLElement).hidden = items.length > 0;
      say(listMessage);
    } catch (error) {
      if (signal.aborted) return;
      say(listMessage, plainErrorMessage(error, TEXT.subjectList));
      onError(error);
    }
  };

  const inviteItem = (invite: InviteView): HTMLLIElement => {
    const item = element('li');
    item.append(phrases('item-title', rightsInWords(invite)));
    const expired = invite.expiresAt !== null && Date.parse(invite.expiresAt) <= Date.now();
    const state = invite.revokedAt
      ? fill(TEXT.revoked, { date: formatDate(invite.revokedAt) })
      : invite.expiresAt === null
        ? TEXT.noExpiry
        : fill(expired ? TEXT.expired : TEXT.expires, { date: formatDate(invite.expiresAt) });
    item.append(phrases('item-meta', [fill(TEXT.created_on, { date: formatDate(invite.createdAt) }), state]));
    if (invite.revokedAt || expired) {
      item.dataset['state'] = 'inactive';
      return item;
    }
    const revoke = element('button', {
      text: TEXT.revoke,
      className: 'secondary small',
      attributes: { type: 'button', 'aria-label': fill(TEXT.revokeLabel, { date: formatDate(invite.createdAt) }) },
    });
    revoke.addEventListener('click', async () => {
      if (!window.confirm(TEXT.confirmRevoke)) return;
      revoke.disabled = true;
      try {
        await members.revokeInvite(event.eventId, invite.inviteId, { signal });
        await load();
      } catch (error) {
        if (signal.aborted) return;
        revoke.disabled = false;
        say(listMessage, plainErrorMessage(error, TEXT.subjectRevoke));
        onError(error);
      }
    });
    item.append(revoke);
    return item;
  };

  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    // datetime-local is the organizer's local time; the API takes an instant.
    const expiresAt = expires.value ? new Date(expires.value) : null;
    if (expiresAt && !(expiresAt.getTime() > Date.now())) return say(message, TEXT.expiryPast);
    fieldset.disabled = true;
    say(message, TEXT.creating);
    try {
      const created = await members.createInvite(
        event.eventId,
        {
          upload: upload.checked,
          viewOthers: viewOthers.checked,
          downloadOriginals: download.checked,
          expiresAt: expiresAt?.toISOString() ?? null,
        },
        { signal },
      );
      shown?.abort();
      shown = new AbortController();
      byId('invite-result', HTMLElement).hidden = false;
      showShareLink(inviteUrl(event.eventId, created.code, event.name()), AbortSignal.any([signal, shown.signal]));
      say(message, TEXT.created);
      await load();
    } catch (error) {
      if (signal.aborted) return;
      say(message, plainErrorMessage(error, TEXT.subjectCreate));
      onError(error);
    } finally {
      fieldset.disabled = false;
    }
  });
  void load();
}

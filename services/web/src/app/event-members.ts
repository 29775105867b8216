import { type MembersClient, plainErrorMessage } from '@event-photos/client';
import type { MemberPage, MemberView } from '@event-photos/core';
import { byId, element, fill, formatDate, say } from '#lib/app/dom';
import { phrases, rightsInWords } from '#lib/app/event-invites';
import { localized } from '#lib/app/i18n';

const PAGE_SIZE = 50;

const TEXT = localized({
  joined: 'Joined {date}',
  onePhoto: '1 photo',
  photos: '{count} photos',
  remove: 'Remove',
  removeLabel: 'Remove {name}',
  confirmRemove: 'Remove {name} from this event? They no longer see it; the photos they added stay.',
  subjectList: 'Loading the guests',
  subjectRemove: 'Removing the guest',
});

/** For the event's organizer: who joined (name, when, how many photos, what their invite allows), each removable. */
export function startEventMembers(
  members: MembersClient,
  event: { eventId: string },
  { signal, onError }: { signal: AbortSignal; onError(error: unknown): void },
): void {
  byId('members-panel', HTMLElement).hidden = false;
  const list = byId('member-list', HTMLUListElement);
  const more = byId('members-more', HTMLButtonElement);
  const message = byId('members-message', HTMLElement);
  let cursor: string | null = null;

  const fail = (error: unknown, subject: string) => {
    if (signal.aborted) return;
    say(message, plainErrorMessage(error, subject));
    onError(error);
  };

  const memberItem = (member: MemberView): HTMLLIElement => {
    const item = element('li');
    item.append(element('p', { className: 'item-title', text: member.displayName }));
    item.append(
      phrases('item-meta', [
        fill(TEXT.joined, { date: formatDate(member.joinedAt) }),
        member.photoCount === 1 ? TEXT.onePhoto : fill(TEXT.photos, { count: member.photoCount }),
        ...rightsInWords(member),
      ]),
    );
    const remove = element('button', {
      text: TEXT.remove,
      className: 'danger small',
      attributes: { type: 'button', 'aria-label': fill(TEXT.removeLabel, { name: member.displayName }) },
    });
    remove.addEventListener('click', async () => {
      if (!window.confirm(fill(TEXT.confirmRemove, { name: member.displayName }))) return;
      remove.disabled = true;
      try {
        await members.removeMember(event.eventId, member.memberId, { signal });
        item.remove();
        byId('members-empty', HTMLElement).hidden = list.childElementCount > 0;
      } catch (error) {
        remove.disabled = false;
        fail(error, TEXT.subjectRemove);
      }
    });
    item.append(remove);
    return item;
  };

  const loadPage = async () => {
    more.disabled = true;
    try {
      const page: MemberPage = await members.listMembers(event.eventId, { limit: PAGE_SIZE, cursor, signal });
      list.append(...page.items.map(memberItem));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      byId('members-empty', HTMLElement).hidden = list.childElementCount > 0;
    } catch (error) {
      fail(error, TEXT.subjectList);
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void loadPage());
  void loadPage();
}

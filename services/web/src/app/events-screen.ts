import { ApiError, createEventsClient, plainErrorMessage } from '@event-photos/client';
import type { EventPage } from '@event-photos/core';
import { byId, element, fill, say, showTemplate } from '#lib/app/dom';
import { eventUrl, type ScreenContext } from '#lib/app/screen-context';
import { localized } from '#lib/app/i18n';

const PAGE_SIZE = 50;

const TEXT = localized({
  title: 'Events · Event Photos',
  closed: 'closed',
  mine: 'yours',
  subjectList: 'Loading the events',
  subjectCreate: 'Creating the event',
  taken: 'There is already an event with the link name “{eventId}”; choose another.',
});

/** The events to pick from, newest first; organizers also get a form to create one. */
export function showEventsScreen(screen: HTMLElement, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'events-template');
  document.title = TEXT.title;
  const events = createEventsClient({ apiUrl: config.apiUrl, getToken: (options) => session.token(options) });
  const list = byId('event-list', HTMLUListElement);
  const more = byId('events-more', HTMLButtonElement);
  const error = byId('events-error', HTMLElement);
  let cursor: string | null = null;

  async function loadPage(): Promise<void> {
    more.disabled = true;
    try {
      const page: EventPage = await events.listEvents({ limit: PAGE_SIZE, cursor, signal });
      for (const event of page.items) {
        const item = element('li');
        const link = element('a', { text: event.name, attributes: { href: eventUrl(event.eventId), 'data-route': '' } });
        item.append(link);
        if (!event.open) item.append(' ', element('span', { text: TEXT.closed, className: 'badge' }));
        if (event.mine) item.append(' ', element('span', { text: TEXT.mine, className: 'badge' }));
        list.append(item);
      }
      cursor = page.nextCursor;
      more.hidden = cursor === null;
      // An organizer creates events; a guest gets into one with its invite link.
      const empty = list.childElementCount === 0;
      byId('events-empty', HTMLElement).hidden = !empty || !session.isOrganizer();
      byId('events-empty-guest', HTMLElement).hidden = !empty || session.isOrganizer();
    } catch (caught) {
      if (signal.aborted) return;
      say(error, plainErrorMessage(caught, TEXT.subjectList));
      context.onError(caught);
    } finally {
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }
  more.addEventListener('click', () => void loadPage());
  void loadPage();

  if (session.isOrganizer()) startCreateEvent(context, events);
}

function startCreateEvent(context: ScreenContext, events: ReturnType<typeof createEventsClient>): void {
  byId('create-event', HTMLElement).hidden = false;
  const form = byId('create-event-form', HTMLFormElement);
  const name = byId('create-event-name', HTMLInputElement);
  const eventId = byId('create-event-id', HTMLInputElement);
  const description = byId('create-event-description', HTMLTextAreaElement);
  const message = byId('create-event-message', HTMLElement);
  // The link name follows the name until the organizer types one of their own.
  let idTyped = false;
  eventId.addEventListener('input', () => (idTyped = eventId.value !== ''));
  name.addEventListener('input', () => {
    if (!idTyped) eventId.value = linkNameOf(name.value);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fieldset = form.querySelector('fieldset')!;
    fieldset.disabled = true;
    say(message);
    try {
      const created = await events.createEvent(
        { eventId: eventId.value.trim(), name: name.value, ...(description.value ? { description: description.value } : {}) },
        { signal: context.signal },
      );
      context.navigate(eventUrl(created.eventId));
    } catch (error) {
      if (context.signal.aborted) return;
      fieldset.disabled = false;
      const taken = error instanceof ApiError && error.status === 409;
      say(message, taken ? fill(TEXT.taken, { eventId: eventId.value.trim() }) : plainErrorMessage(error, TEXT.subjectCreate));
      context.onError(error);
    }
  });
}

/** "Summit 2026 · Seoul" -> "summit-2026-seoul": what the API takes as an event id. */
function linkNameOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

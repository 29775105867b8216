import { plainErrorMessage, type EventsClient } from '@event-photos/client';
import type { EventView } from '@event-photos/core';
import { byId, say } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  close: 'Close to new photos',
  open: 'Open to new photos',
  saving: 'Saving…',
  saved: 'Saved.',
  closed: 'Closed: guests can no longer add photos.',
  opened: 'Open: guests can add photos again.',
  subject: 'Saving the event',
});

/** For the event's organizer: rename it, change its description, close it to uploads or open it again. */
export function startEventSettings(
  events: EventsClient,
  initial: EventView,
  { signal, onSaved, onError }: { signal: AbortSignal; onSaved(event: EventView): void; onError(error: unknown): void },
): void {
  let event = initial;
  byId('event-settings', HTMLElement).hidden = false;
  const form = byId('event-settings-form', HTMLFormElement);
  const fieldset = form.querySelector('fieldset')!;
  const name = byId('settings-name', HTMLInputElement);
  const description = byId('settings-description', HTMLTextAreaElement);
  const openButton = byId('settings-open', HTMLButtonElement);
  const message = byId('settings-message', HTMLElement);
  const show = () => {
    name.value = event.name;
    description.value = event.description;
    openButton.textContent = event.open ? TEXT.close : TEXT.open;
  };
  show();

  const save = async (changes: { name?: string; description?: string; open?: boolean }, done: string) => {
    fieldset.disabled = true;
    say(message, TEXT.saving);
    try {
      event = await events.updateEvent(event.eventId, changes, { signal });
      show();
      onSaved(event);
      say(message, done);
    } catch (error) {
      if (signal.aborted) return;
      say(message, plainErrorMessage(error, TEXT.subject));
      onError(error);
    } finally {
      fieldset.disabled = false;
    }
  };
  form.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    void save({ name: name.value, description: description.value }, TEXT.saved);
  });
  openButton.addEventListener('click', () => void save({ open: !event.open }, event.open ? TEXT.closed : TEXT.opened));
}

import { ApiError, createEventsClient, createPhotosClient, plainErrorMessage } from '@event-photos/client';
import type { EventDetails } from '@event-photos/core';
import { DEFAULT_PAGE_SIZE } from '#lib/config';
import { byId, say, showTemplate } from '#lib/app/dom';
import { startEventSettings } from '#lib/app/event-settings';
import { PhotoGallery } from '#lib/app/photo-gallery';
import { PhotoLightbox } from '#lib/app/photo-lightbox';
import type { ScreenContext } from '#lib/app/screen-context';
import { startShareLink } from '#lib/app/share-link';
import { UploadPanel } from '#lib/app/upload-panel';

/**
 * One event: its name, the upload panel (when open), the gallery with its lightbox, the share link
 * and, for its organizer, the settings. Built anew for every event, with clients for that event only.
 */
export function showEventScreen(screen: HTMLElement, eventId: string, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'event-template');
  const getToken = () => session.token();
  const events = createEventsClient({ apiUrl: config.apiUrl, getToken });
  const photos = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken });
  const status = byId('event-status', HTMLElement);

  void events.getEvent(eventId, { signal }).then(
    (event) => {
      if (signal.aborted) return;
      status.hidden = true;
      byId('event-content', HTMLElement).hidden = false;
      showDetails(event);
      const gallery = new PhotoGallery(photos, {
        pageSize: config.pageSize ?? DEFAULT_PAGE_SIZE,
        organizer: event.mine,
        signal,
        onError: context.onError,
      });
      const lightbox = new PhotoLightbox(photos, gallery, { onError: context.onError });
      gallery.onOpen = (photoId) => lightbox.open(photoId);
      // Hidden, not left out, while the event is closed: its organizer may open it again.
      new UploadPanel(photos, {
        signal,
        onUploaded: (photo) => gallery.add(photo),
        onBusy: (busy) => context.setLeaveWarning(busy ? 'Photos are still uploading. Leave and stop them?' : null),
        onError: context.onError,
      });
      startShareLink(eventId);
      if (event.mine) startEventSettings(events, event, { signal, onSaved: showDetails, onError: context.onError });
      void gallery.start();
    },
    (error: unknown) => {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) {
        showTemplate(screen, 'missing-event-template');
        document.title = 'No such event · Event Photos';
        say(byId('missing-event-text', HTMLElement), `There is no event “${eventId}”. Check the link, or pick an event from the list.`);
        return;
      }
      status.classList.add('error');
      say(status, plainErrorMessage(error, 'Loading the event'));
      context.onError(error);
    },
  );
}

function showDetails(event: EventDetails | Omit<EventDetails, 'photoCount'>): void {
  document.title = `${event.name} · Event Photos`;
  say(byId('event-heading', HTMLElement), event.name);
  say(byId('event-description', HTMLElement), event.description);
  byId('event-closed', HTMLElement).hidden = event.open;
  byId('upload-panel', HTMLElement).hidden = !event.open;
}

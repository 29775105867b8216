import { ApiError, createEventsClient, createMembersClient, createPhotosClient, plainErrorMessage } from '@event-photos/client';
import type { EventView } from '@event-photos/core';
import { DEFAULT_PAGE_SIZE } from '#lib/config';
import { byId, fill, say, showTemplate } from '#lib/app/dom';
import { startDownloadAll } from '#lib/app/download-all';
import { startEventInvites } from '#lib/app/event-invites';
import { startEventMembers } from '#lib/app/event-members';
import { startEventSettings } from '#lib/app/event-settings';
import { startGallerySearch } from '#lib/app/gallery-search';
import { PhotoGallery } from '#lib/app/photo-gallery';
import { PhotoLightbox } from '#lib/app/photo-lightbox';
import { type ScreenContext, slideshowUrl } from '#lib/app/screen-context';
import { UploadPanel } from '#lib/app/upload-panel';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  title: '{name} · Event Photos',
  missingTitle: 'No such event · Event Photos',
  missing: 'There is no event “{eventId}” that you can see. Check the link: to join an event, open the invite link its organizer shared.',
  subject: 'Loading the event',
});

/**
 * One event: its name, the upload panel (when open and the guest's invite allows it), the gallery
 * with its search and lightbox, kept live (new photos, edits, deletes, a rename or a close) and,
 * for its organizer, invites, guests and settings. Built anew for every event, with clients for
 * that event only.
 */
export function showEventScreen(screen: HTMLElement, eventId: string, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'event-template');
  byId('slideshow-link', HTMLAnchorElement).href = slideshowUrl(eventId);
  const getToken = (options?: { refresh?: boolean }) => session.token(options);
  const events = createEventsClient({ apiUrl: config.apiUrl, getToken });
  const photos = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken });
  const status = byId('event-status', HTMLElement);

  void events.getEvent(eventId, { signal }).then(
    (event) => {
      if (signal.aborted) return;
      // What the caller may do here, as the API answers it (the organizer: everything).
      let rights = event.rights;
      status.hidden = true;
      byId('event-content', HTMLElement).hidden = false;
      let name = event.name;
      const showDetails = (shown: EventView) => {
        name = shown.name;
        document.title = fill(TEXT.title, { name: shown.name });
        say(byId('event-heading', HTMLElement), shown.name);
        say(byId('event-description', HTMLElement), shown.description);
        byId('event-closed', HTMLElement).hidden = shown.open;
        byId('event-no-upload', HTMLElement).hidden = rights.upload;
        byId('upload-panel', HTMLElement).hidden = !shown.open || !rights.upload;
      };
      showDetails(event);
      byId('event-own-only', HTMLElement).hidden = rights.viewOthers;
      const gallery = new PhotoGallery(photos, {
        pageSize: config.pageSize ?? DEFAULT_PAGE_SIZE,
        organizer: event.mine,
        photoCount: event.photoCount,
        countPhotos: async () => (await events.getEvent(eventId, { signal })).photoCount,
        signal,
        // Renamed, closed or opened again elsewhere: this page follows within a feed round.
        onEvent: showDetails,
        onError: context.onError,
      });
      const lightbox = new PhotoLightbox(photos, gallery, { onError: context.onError });
      gallery.onOpen = (photoId) => lightbox.open(photoId);
      startGallerySearch(gallery, { signal, seesOthers: rights.viewOthers });
      // A zip of every photo: the organizer's, and members' whose invite allows downloads (as the API decides).
      if (event.mine || rights.downloadOriginals) startDownloadAll(events, eventId, { signal, onError: context.onError });
      // Hidden, not left out, while the event is closed: its organizer may open it again.
      new UploadPanel(photos, {
        signal,
        onUploaded: (photo) => gallery.add(photo),
        onError: context.onError,
        // The API refused an upload of this member (their invite does not allow it; joined elsewhere).
        onNotAllowed: () => {
          rights = { ...rights, upload: false };
          showDetails(event);
        },
      });
      if (event.mine) {
        const members = createMembersClient({ apiUrl: config.apiUrl, getToken });
        startEventInvites(members, { eventId, name: () => name }, { signal, onError: context.onError });
        startEventMembers(members, event, { signal, onError: context.onError });
        startEventSettings(events, event, { signal, onSaved: showDetails, onError: context.onError });
      }
      void gallery.start();
    },
    (error: unknown) => {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) {
        showTemplate(screen, 'missing-event-template');
        document.title = TEXT.missingTitle;
        say(byId('missing-event-text', HTMLElement), fill(TEXT.missing, { eventId }));
        return;
      }
      status.classList.add('error');
      say(status, plainErrorMessage(error, TEXT.subject));
      context.onError(error);
    },
  );
}

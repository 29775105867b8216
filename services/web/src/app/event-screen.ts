import { ApiError, createEventsClient, createMembersClient, createPhotosClient, plainErrorMessage } from '@event-photos/client';
import type { EventDetails } from '@event-photos/core';
import { DEFAULT_PAGE_SIZE } from '#lib/config';
import { byId, fill, say, showTemplate } from '#lib/app/dom';
import { startEventInvites } from '#lib/app/event-invites';
import { startEventMembers } from '#lib/app/event-members';
import { startEventSettings } from '#lib/app/event-settings';
import { PhotoGallery } from '#lib/app/photo-gallery';
import { PhotoLightbox } from '#lib/app/photo-lightbox';
import type { ScreenContext } from '#lib/app/screen-context';
import { UploadPanel } from '#lib/app/upload-panel';

const TEXT = {
  title: '{name} · Event Photos',
  missingTitle: 'No such event · Event Photos',
  missing: 'There is no event “{eventId}” that you can see. Check the link: to join an event, open the invite link its organizer shared.',
  leaveUploads: 'Photos are still uploading. Leave and stop them?',
  subject: 'Loading the event',
} as const;

/**
 * One event: its name, the upload panel (when open and the guest's invite allows it), the gallery
 * with its lightbox and, for its organizer, invites, guests and settings. Built anew for every
 * event, with clients for that event only.
 */
export function showEventScreen(screen: HTMLElement, eventId: string, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'event-template');
  const getToken = (options?: { refresh?: boolean }) => session.token(options);
  const events = createEventsClient({ apiUrl: config.apiUrl, getToken });
  const photos = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken });
  const status = byId('event-status', HTMLElement);
  // What the guest's invite allows, as the join answered in this browser (the organizer: everything).
  let rights = session.rightsIn(eventId);
  const noUpload = () => rights?.upload === false;

  void events.getEvent(eventId, { signal }).then(
    (event) => {
      if (signal.aborted) return;
      if (event.mine) rights = undefined;
      status.hidden = true;
      byId('event-content', HTMLElement).hidden = false;
      let name = event.name;
      const showDetails = (shown: EventDetails | Omit<EventDetails, 'photoCount'>) => {
        name = shown.name;
        document.title = fill(TEXT.title, { name: shown.name });
        say(byId('event-heading', HTMLElement), shown.name);
        say(byId('event-description', HTMLElement), shown.description);
        byId('event-closed', HTMLElement).hidden = shown.open;
        byId('event-no-upload', HTMLElement).hidden = !noUpload();
        byId('upload-panel', HTMLElement).hidden = !shown.open || noUpload();
      };
      showDetails(event);
      byId('event-own-only', HTMLElement).hidden = rights?.viewOthers !== false;
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
        onBusy: (busy) => context.setLeaveWarning(busy ? TEXT.leaveUploads : null),
        onError: context.onError,
        // The API refused an upload of this member (their invite does not allow it; joined elsewhere).
        onNotAllowed: () => {
          rights = { ...(rights ?? { viewOthers: true, downloadOriginals: false }), upload: false };
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

import { createPhotosClient, type PhotosClient } from '@event-photos/client';
import type { WebConfig } from '#lib/config';
import { byId, fill, say } from '#lib/app/dom';
import type { Session } from '#lib/app/session';
import { UploadQueue } from '#lib/app/upload-queue';
import { openUploadStore } from '#lib/app/upload-store';
import { browserTabLink } from '#lib/app/upload-tabs';
import { thumbnailOf } from '#lib/app/upload-thumbnail';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  // Chromium and Firefox show words of their own; the upload panel says this too while it sends.
  leave: 'Photos are still uploading. If you leave, they continue the next time you open this app.',
  signedOutOne: 'You signed out in another tab, but 1 photo is still uploading here. Finish it first, then sign out here too?',
  signedOutMany: 'You signed out in another tab, but {count} photos are still uploading here. Finish them first, then sign out here too?',
});

let started: Promise<UploadQueue> | undefined;

/**
 * The app's upload queue, started once at launch so that unfinished uploads resume by themselves
 * after a reload or in a new tab, whatever screen is open. It lives for the page, across screens:
 * leaving an event's page does not stop its uploads.
 */
export function startUploads(config: WebConfig, session: Session): Promise<UploadQueue> {
  started ??= (async () => {
    const getToken = (options?: { refresh?: boolean }) => session.token(options);
    const clients = new Map<string, PhotosClient>();
    const queue = new UploadQueue({
      store: await openUploadStore(),
      tabs: browserTabLink(),
      owner: () => session.current?.email ?? null,
      clientFor: (eventId) => {
        let client = clients.get(eventId);
        if (!client) clients.set(eventId, (client = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken })));
        return client;
      },
      thumbnail: thumbnailOf,
    });
    session.subscribe(() => queue.sessionChanged());
    guardSignOutElsewhere(session, queue);
    window.addEventListener('online', () => queue.online());
    warnOnLeaving(queue);
    return queue;
  })();
  return started;
}

/** The queue, once started (the upload panel waits for it). */
export function uploadQueue(): Promise<UploadQueue> {
  if (!started) throw new Error('startUploads was not called');
  return started;
}

/** Leaving the page with uploads on their way warns once; they resume when the app is opened again. */
function warnOnLeaving(queue: UploadQueue): void {
  let warned = false;
  window.addEventListener('beforeunload', (event) => {
    if (warned || !queue.sendingHere) return;
    warned = true;
    event.preventDefault();
    // Only older browsers show these words; the panel says the same while uploads run.
    event.returnValue = TEXT.leave;
  });
}

/** A sign-out in another tab asks before it stops this tab's uploads (the dialog in index.html). */
function guardSignOutElsewhere(session: Session, queue: UploadQueue): void {
  const dialog = byId('signed-out-elsewhere', HTMLDialogElement);
  let decide: ((stop: boolean) => void) | null = null;
  const answer = (stop: boolean) => {
    const decided = decide;
    decide = null;
    if (dialog.open) dialog.close();
    decided?.(stop);
  };
  byId('signed-out-stop', HTMLButtonElement).addEventListener('click', () => answer(true));
  byId('signed-out-keep', HTMLButtonElement).addEventListener('click', () => answer(false));
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault(); // Escape is no answer: uploads keep going until one is given.
  });
  let kept = false;
  session.guardSignOut({
    busy: () => queue.sendingHere,
    ask: (given) => {
      kept = false;
      decide = (stop) => {
        kept = !stop;
        given(stop);
      };
      const count = queue.pendingHere;
      say(byId('signed-out-text', HTMLElement), count === 1 ? TEXT.signedOutOne : fill(TEXT.signedOutMany, { count }));
      if (!dialog.open) dialog.showModal();
    },
    settled: () => {
      kept = false;
      decide = null;
      if (dialog.open) dialog.close();
    },
  });
  // Kept on to finish: once nothing is left to send, this tab signs out as the others did.
  queue.subscribe(() => {
    if (kept && !queue.sendingHere) {
      kept = false;
      session.release();
    }
  });
}

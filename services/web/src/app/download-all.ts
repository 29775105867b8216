import { formatBytes, plainErrorMessage, type EventsClient } from '@event-photos/client';
import { byId, fill, say } from '#lib/app/dom';
import { openDownload } from '#lib/app/photo-download';
import { localized } from '#lib/app/i18n';

/** How often the export is asked about: soon at first (a small event is ready in seconds), then less. */
const POLL_MS = [1000, 1500, 2000, 3000, 5000];
/** An export runs at most about 20 minutes (the worker's deadline): after this, stop asking. */
const GIVE_UP_MS = 25 * 60_000;

const TEXT = localized({
  starting: 'Preparing a zip of every photo you may download…',
  running: 'Preparing the zip: {photos} photos so far ({size})…',
  ready: 'Your zip of {photos} photos ({size}) is downloading.',
  readySkipped: 'Your zip of {photos} photos ({size}) is downloading; {skipped} photos have no file you may download.',
  failed: 'The zip could not be made. Please try again.',
  tooLong: 'The zip is taking too long. Please try again later.',
  subject: 'Preparing the zip',
});

/**
 * "Download all", for the organizer and the members whose invite allows downloads: asks the API for
 * a zip of every photo they may have (POST .../exports), says how far it got while it is made, and
 * starts the download once it is ready (a presigned GET that answers as an attachment).
 */
export function startDownloadAll(
  events: EventsClient,
  eventId: string,
  { signal, onError }: { signal: AbortSignal; onError(error: unknown): void },
): void {
  const button = byId('download-all', HTMLButtonElement);
  const status = byId('download-all-status', HTMLElement);
  button.hidden = false;
  button.addEventListener('click', () => void run());

  async function run(): Promise<void> {
    button.disabled = true;
    say(status, TEXT.starting);
    try {
      const { exportId } = await events.createExport(eventId, { signal });
      const started = Date.now();
      for (let round = 0; !signal.aborted; round++) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(round, POLL_MS.length - 1)]));
        if (signal.aborted) return;
        const view = await events.getExport(eventId, exportId, { signal });
        const size = formatBytes(view.bytes);
        if (view.status === 'ready' && view.url) {
          openDownload(view.url);
          const words = view.skipped > 0 ? TEXT.readySkipped : TEXT.ready;
          return say(status, fill(words, { photos: view.photos, size, skipped: view.skipped }));
        }
        if (view.status === 'failed') return say(status, TEXT.failed);
        if (Date.now() - started > GIVE_UP_MS) return say(status, TEXT.tooLong);
        say(status, fill(TEXT.running, { photos: view.photos, size }));
      }
    } catch (error) {
      if (signal.aborted) return;
      say(status, plainErrorMessage(error, TEXT.subject));
      onError(error);
    } finally {
      button.disabled = false;
    }
  }
}

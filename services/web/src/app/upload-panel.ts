import { ACCEPTED_CONTENT_TYPES, formatBytes, isOffline, type PhotoFile, type PhotosClient } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import { byId, fill, say } from '#lib/app/dom';
import { isAdded, isFinished, type LiveUpload, overallOf, RateMeter, timeLeftParts } from '#lib/app/upload-progress';
import type { UploadQueue } from '#lib/app/upload-queue';
import { UploadRow } from '#lib/app/upload-row';
import { uploadQueue } from '#lib/app/uploads';
import { localized } from '#lib/app/i18n';

export interface UploadPanelOptions {
  signal: AbortSignal;
  onUploaded(photo: PhotoView): void;
  onError(error: unknown): void;
  /** The API refused to take photos from this user at all (their invite does not allow uploads). */
  onNotAllowed(): void;
}

const TEXT = localized({
  added: '{count} added.',
  notUploaded: '{count} not uploaded.',
  addedAndNot: '{added} added. {failed} not uploaded.',
  show: 'Show them',
  hide: 'Hide them',
  count: '{added} of {files} added · {sent} of {total} sent.',
  secondsLeft: 'About {value} seconds left.',
  minuteLeft: 'About a minute left.',
  minutesLeft: 'About {value} minutes left.',
  timeUnknown: 'Working out the time left…',
  offline: 'No connection: the uploads wait, and go on by themselves when it is back.',
  signIn: 'Sign in again to go on with the uploads.',
  canLeave: 'You can leave or reload this page: unfinished uploads go on by themselves when you come back.',
});

/**
 * Drag and drop and a multi-file picker over the app's upload queue (upload-queue.ts), for one
 * event: a row per file (thumbnail, progress, state in words, Cancel, Retry), overall progress
 * and time left, Retry all and Cancel all. Finished rows fold into the summary line. Files start
 * as soon as they are chosen, titled after their names; they survive a reload, and go on when this
 * screen is left.
 */
export class UploadPanel {
  readonly #eventId: string;
  readonly #options: UploadPanelOptions;
  readonly #list = byId('upload-list', HTMLUListElement);
  readonly #summary = byId('upload-summary', HTMLElement);
  readonly #fold = byId('upload-fold', HTMLButtonElement);
  readonly #rows = new Map<string, UploadRow>();
  readonly #rate = new RateMeter();
  readonly #announced = new Set<string>();
  #queue: UploadQueue | undefined;
  #expanded = false;
  #ticking: ReturnType<typeof setInterval> | undefined;

  constructor(client: PhotosClient, options: UploadPanelOptions) {
    this.#eventId = client.eventId;
    this.#options = options;
    const { signal } = options;
    const input = byId('upload-files', HTMLInputElement);
    input.accept = ACCEPTED_CONTENT_TYPES.join(',');
    input.addEventListener('change', () => {
      this.add([...(input.files ?? [])]);
      input.value = ''; // choosing the same file again is a new upload
    });
    this.#dropZone(signal);
    this.#fold.addEventListener('click', () => {
      this.#expanded = !this.#expanded;
      this.#changed();
    });
    byId('upload-retry-all', HTMLButtonElement).addEventListener('click', () => void this.#queue?.retryAll(this.#eventId));
    byId('upload-cancel-all', HTMLButtonElement).addEventListener('click', () => void this.#queue?.cancelAll(this.#eventId));
    for (const type of ['online', 'offline'] as const) window.addEventListener(type, () => this.#changed(), { signal });
    void uploadQueue().then((queue) => this.#attach(queue));
  }

  add(files: PhotoFile[]): void {
    if (files.length === 0) return;
    void uploadQueue().then((queue) => queue.add(this.#eventId, files));
  }

  #attach(queue: UploadQueue): void {
    if (this.#options.signal.aborted) return;
    this.#queue = queue;
    // What was left unfinished (or stopped) shows; what finished before this screen opened does not.
    for (const upload of queue.uploads(this.#eventId)) {
      // Its photo is in the gallery's list already (or was deleted since): never announced again,
      // whatever later news of the upload the queue passes on.
      if (upload.state === 'done') this.#announced.add(upload.id);
      if (!isFinished(upload) || (upload.retryable && upload.state !== 'done' && upload.state !== 'duplicate')) this.#show(upload);
    }
    const unsubscribe = queue.subscribe((upload) => {
      if (upload.eventId === this.#eventId) this.#show(upload);
    });
    const unheard = queue.onSignInNeeded((error) => this.#options.onError(error));
    this.#options.signal.addEventListener('abort', () => {
      unsubscribe();
      unheard();
      clearInterval(this.#ticking);
    });
    this.#changed();
  }

  #show(upload: LiveUpload): void {
    const queue = this.#queue!;
    let row = this.#rows.get(upload.id);
    if (!row) {
      row = new UploadRow(upload, this.#list, {
        cancel: (id) => void queue.cancel(id),
        retry: (id) => void queue.retry(id),
        remove: (id) => void queue.remove(id),
      });
      this.#rows.set(upload.id, row);
    }
    // Removed in some tab: the row goes.
    if (!queue.uploads(this.#eventId).some((shown) => shown.id === upload.id)) {
      row.remove();
      this.#rows.delete(upload.id);
    } else row.show(upload, { offline: isOffline(), folded: isAdded(upload) && !this.#expanded });
    if (upload.state === 'done' && upload.photo && !this.#announced.has(upload.id)) {
      this.#announced.add(upload.id);
      this.#options.onUploaded(upload.photo);
    }
    if (upload.state === 'failed' && upload.errorCode === 'Forbidden') this.#options.onNotAllowed();
    this.#changed();
  }

  /** The summary line, overall progress and time left, and the buttons that act on all. */
  #changed(): void {
    const uploads = [...this.#rows.values()].map((row) => row.upload);
    const overall = overallOf(uploads, undefined);
    this.#rate.sample(overall.sentBytes);
    const { added, failed, running } = overall;
    say(
      this.#summary,
      added > 0 && failed > 0
        ? fill(TEXT.addedAndNot, { added, failed })
        : added > 0
          ? fill(TEXT.added, { count: added })
          : failed > 0
            ? fill(TEXT.notUploaded, { count: failed })
            : '',
    );
    this.#fold.hidden = added === 0;
    this.#fold.setAttribute('aria-expanded', String(this.#expanded));
    say(this.#fold, this.#expanded ? TEXT.hide : TEXT.show);
    for (const row of this.#rows.values()) row.fold(isAdded(row.upload) && !this.#expanded);
    byId('upload-retry-all', HTMLButtonElement).hidden = !uploads.some(
      (upload) => upload.retryable && ['failed', 'cancelled'].includes(upload.state),
    );
    byId('upload-cancel-all', HTMLButtonElement).hidden = running === 0;
    this.#showOverall(uploads, running);
  }

  #showOverall(uploads: LiveUpload[], running: number): void {
    const box = byId('upload-overall', HTMLElement);
    box.hidden = running === 0;
    this.#tick(running > 0);
    if (running === 0) return;
    const overall = overallOf(uploads, this.#rate.bytesPerSecond());
    const bar = byId('upload-overall-bar', HTMLProgressElement);
    bar.value = overall.totalBytes > 0 ? Math.floor((overall.sentBytes / overall.totalBytes) * 100) : 0;
    const sent = formatBytes(overall.sentBytes);
    const { added, files } = overall;
    say(byId('upload-overall-count', HTMLElement), fill(TEXT.count, { added, files, sent, total: formatBytes(overall.totalBytes) }));
    say(byId('upload-overall-time', HTMLElement), timeLeft(overall.secondsLeft));
    const waitingForSignIn = uploads.some((upload) => upload.waitingForSignIn);
    say(byId('upload-overall-note', HTMLElement), isOffline() ? TEXT.offline : waitingForSignIn ? TEXT.signIn : TEXT.canLeave);
  }

  /** Once a second while uploads run: the time left and the "trying again in" counts move on. */
  #tick(on: boolean): void {
    if (on && this.#ticking === undefined) {
      this.#ticking = setInterval(() => {
        for (const row of this.#rows.values()) row.show(row.upload, { offline: isOffline(), folded: row.folded });
        this.#changed();
      }, 1000);
    } else if (!on && this.#ticking !== undefined) {
      clearInterval(this.#ticking);
      this.#ticking = undefined;
    }
  }

  #dropZone(signal: AbortSignal): void {
    const zone = byId('drop-zone', HTMLElement);
    const dragging = (on: boolean) => zone.classList.toggle('dragging', on);
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      dragging(true);
    });
    zone.addEventListener('dragleave', () => dragging(false));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      dragging(false);
      this.add([...(event.dataTransfer?.files ?? [])]);
    });
    // A photo dropped next to the zone would make the browser navigate away to the file.
    const keepPage = (event: DragEvent) => event.preventDefault();
    document.addEventListener('dragover', keepPage, { signal });
    document.addEventListener('drop', keepPage, { signal });
  }
}

function timeLeft(seconds: number | undefined): string {
  if (seconds === undefined) return TEXT.timeUnknown;
  const { unit, value } = timeLeftParts(seconds);
  return unit === 'seconds' ? fill(TEXT.secondsLeft, { value }) : unit === 'minute' ? TEXT.minuteLeft : fill(TEXT.minutesLeft, { value });
}

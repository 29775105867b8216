import {
  ACCEPTED_CONTENT_TYPES,
  ApiError,
  formatBytes,
  type PhotoFile,
  type PhotosClient,
  type PhotoUploadProgress,
} from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import { byId, element, say } from '#lib/app/dom';

export interface UploadPanelOptions {
  signal: AbortSignal;
  onUploaded(photo: PhotoView): void;
  /** True while any file is waiting or sending. */
  onBusy(busy: boolean): void;
  onError(error: unknown): void;
  /** The API refused to take photos from this user at all (their invite does not allow uploads). */
  onNotAllowed(): void;
}

const STATE_TEXT: Record<PhotoUploadProgress['state'], string> = {
  queued: 'Waiting…',
  hashing: 'Reading the file…',
  initiating: 'Preparing…',
  uploading: 'Uploading…',
  processing: 'Almost there: processing…',
  done: 'Done: in the gallery.',
  duplicate: 'Already in this event.',
  failed: 'Not uploaded.',
  cancelled: 'Cancelled.',
};
const FINISHED = new Set<PhotoUploadProgress['state']>(['done', 'duplicate', 'failed', 'cancelled']);

/**
 * Drag and drop and a multi-file picker. Every file gets a row with a progress bar, its state in
 * words, and Cancel (while it runs) or Retry (after it failed or was cancelled). Files start as soon
 * as they are chosen, titled after their names (titles can be changed in the photo view). Each
 * batch goes through client.uploadPhotos, one batch after another, so at most its concurrency of
 * files is in flight.
 */
export class UploadPanel {
  readonly #client: PhotosClient;
  readonly #options: UploadPanelOptions;
  readonly #list = byId('upload-list', HTMLUListElement);
  readonly #summary = byId('upload-summary', HTMLElement);
  readonly #rows = new Set<UploadRow>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: PhotosClient, options: UploadPanelOptions) {
    this.#client = client;
    this.#options = options;
    const input = byId('upload-files', HTMLInputElement);
    input.accept = ACCEPTED_CONTENT_TYPES.join(',');
    input.addEventListener('change', () => {
      this.add([...(input.files ?? [])]);
      input.value = ''; // choosing the same file again is a new upload
    });

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
    document.addEventListener('dragover', keepPage, { signal: options.signal });
    document.addEventListener('drop', keepPage, { signal: options.signal });
  }

  add(files: PhotoFile[]): void {
    if (files.length === 0) return;
    this.#start(files.map((file) => new UploadRow(file, this.#list, (row) => this.#start([row]))));
  }

  #start(rows: UploadRow[]): void {
    for (const row of rows) {
      row.reset();
      this.#rows.add(row);
    }
    this.#changed();
    const signal = this.#options.signal;
    this.#queue = this.#queue.then(() =>
      this.#client
        .uploadPhotos(
          rows.map((row) => ({ file: row.file, signal: row.signal })),
          {
            signal,
            onProgress: (progress) => {
              const row = rows[progress.index]!;
              row.show(progress);
              if (progress.state === 'done' && progress.photo) this.#options.onUploaded(progress.photo);
              if (progress.state === 'failed') this.#options.onError(progress.error);
              // The API's own 403 (not S3's AccessDenied for a lapsed URL): this member may not upload here.
              if (progress.state === 'failed' && progress.error instanceof ApiError && progress.error.code === 'Forbidden') {
                this.#options.onNotAllowed();
              }
              if (FINISHED.has(progress.state)) this.#changed();
            },
          },
        )
        .then(() => this.#changed()),
    );
  }

  #changed(): void {
    const rows = [...this.#rows];
    const running = rows.filter((row) => !row.finished).length;
    const done = rows.filter((row) => row.state === 'done' || row.state === 'duplicate').length;
    const failed = rows.filter((row) => row.state === 'failed').length;
    this.#options.onBusy(running > 0);
    const parts = [
      running > 0 ? `Uploading ${running} of ${rows.length}…` : '',
      done > 0 ? `${done} added.` : '',
      failed > 0 ? `${failed} not uploaded.` : '',
    ];
    say(this.#summary, parts.filter(Boolean).join(' '));
  }
}

/** One file's row: name, size, progress bar, state, Cancel / Retry. */
class UploadRow {
  readonly file: PhotoFile;
  state: PhotoUploadProgress['state'] = 'queued';
  #controller = new AbortController();
  readonly #progress: HTMLProgressElement;
  readonly #status: HTMLElement;
  readonly #cancel: HTMLButtonElement;
  readonly #retry: HTMLButtonElement;
  readonly #item: HTMLLIElement;

  constructor(file: PhotoFile, list: HTMLUListElement, retry: (row: UploadRow) => void) {
    this.file = file;
    const name = file.name || 'Photo';
    this.#item = element('li', { className: 'upload-row' });
    const label = element('span', { className: 'upload-name', text: name });
    const size = element('span', { className: 'upload-size', text: formatBytes(file.size) });
    this.#progress = element('progress', { attributes: { max: '100', value: '0', 'aria-label': `Upload of ${name}` } });
    this.#status = element('span', { className: 'upload-status' });
    this.#cancel = element('button', {
      text: 'Cancel',
      className: 'secondary small',
      attributes: { type: 'button', 'aria-label': `Cancel ${name}` },
    });
    this.#retry = element('button', { text: 'Retry', className: 'small', attributes: { type: 'button', 'aria-label': `Retry ${name}` } });
    this.#cancel.addEventListener('click', () => this.#controller.abort());
    this.#retry.addEventListener('click', () => retry(this));
    this.#item.append(label, size, this.#progress, this.#status, this.#cancel, this.#retry);
    list.append(this.#item);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get finished(): boolean {
    return FINISHED.has(this.state);
  }

  /** Ready for a (new) attempt. */
  reset(): void {
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.show({ state: 'queued', percent: 0 });
  }

  show({
    state,
    percent,
    message,
    error,
  }: Pick<PhotoUploadProgress, 'state' | 'percent'> & { message?: string | undefined; error?: unknown }): void {
    this.state = state;
    this.#item.dataset['state'] = state;
    this.#progress.value = percent;
    say(this.#status, message ?? STATE_TEXT[state]);
    this.#status.classList.toggle('error', state === 'failed');
    this.#cancel.hidden = this.finished;
    // A file the checks refused (too big, not a photo) would fail the same way again, and no byte
    // of it was sent: no Retry, no progress bar.
    const refusedByChecks = state === 'failed' && error === undefined;
    this.#retry.hidden = !(state === 'cancelled' || (state === 'failed' && !refusedByChecks));
    this.#progress.hidden = refusedByChecks;
  }
}

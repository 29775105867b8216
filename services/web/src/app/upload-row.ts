import { formatBytes, THROTTLED } from '@event-photos/client';
import { element, fill, say } from '#lib/app/dom';
import { isFinished, type LiveUpload } from '#lib/app/upload-progress';
import { localized } from '#lib/app/i18n';

const TEXT = localized({
  queued: 'Waiting…',
  hashing: 'Reading the file…',
  initiating: 'Preparing…',
  uploading: 'Uploading…',
  processing: 'Almost there: processing…',
  done: 'Done: in the gallery.',
  duplicate: 'Already in this event.',
  failed: 'Not uploaded.',
  cancelled: '{name} was not uploaded: cancelled.',
  offline: 'Waiting for the connection…',
  signIn: 'Waiting for you to sign in again…',
  retryIn: 'Not sent yet: trying again in {seconds} s.',
  busyRetryIn: 'The service is busy: trying again in {seconds} s.',
  cancel: 'Cancel {name}',
  retry: 'Retry {name}',
  remove: 'Remove {name}',
  progress: 'Upload of {name}',
});

export interface RowActions {
  cancel(id: string): void;
  retry(id: string): void;
  remove(id: string): void;
}

/** One upload's row: thumbnail, name, size, progress bar, state in words, Cancel / Retry / Remove. */
export class UploadRow {
  upload: LiveUpload;
  folded = false;
  readonly #item: HTMLLIElement;
  readonly #thumbnail: HTMLImageElement;
  readonly #progress: HTMLProgressElement;
  readonly #status: HTMLElement;
  readonly #cancel: HTMLButtonElement;
  readonly #retry: HTMLButtonElement;
  readonly #remove: HTMLButtonElement;

  constructor(upload: LiveUpload, list: HTMLUListElement, actions: RowActions) {
    this.upload = upload;
    const { name } = upload;
    this.#item = element('li', { className: 'upload-row' });
    this.#thumbnail = element('img', { className: 'upload-thumbnail', attributes: { alt: '', width: '48', height: '48' } });
    const label = element('span', { className: 'upload-name', text: name });
    const size = element('span', { className: 'upload-size', text: formatBytes(upload.size) });
    this.#progress = element('progress', { attributes: { max: '100', value: '0', 'aria-label': fill(TEXT.progress, { name }) } });
    this.#status = element('span', { className: 'upload-status' });
    const button = (text: string, label: string, className: string) =>
      element('button', { text, className, attributes: { type: 'button', 'aria-label': fill(label, { name }) } });
    this.#cancel = button('Cancel', TEXT.cancel, 'secondary small');
    this.#retry = button('Retry', TEXT.retry, 'small');
    this.#remove = button('Remove', TEXT.remove, 'secondary small');
    this.#cancel.addEventListener('click', () => actions.cancel(this.upload.id));
    this.#retry.addEventListener('click', () => actions.retry(this.upload.id));
    this.#remove.addEventListener('click', () => actions.remove(this.upload.id));
    const buttons = element('span', { className: 'upload-buttons' });
    buttons.append(this.#cancel, this.#retry, this.#remove);
    this.#item.append(this.#thumbnail, label, size, this.#progress, this.#status, buttons);
    // In pick order, wherever it arrives from (another tab, a reload).
    const next = [...list.children].find((child) => Number((child as HTMLElement).dataset['order']) > upload.order);
    this.#item.dataset['order'] = String(upload.order);
    list.insertBefore(this.#item, next ?? null);
  }

  show(upload: LiveUpload, { offline, folded }: { offline: boolean; folded: boolean }): void {
    this.upload = upload;
    const { state } = upload;
    this.#item.dataset['state'] = state;
    if (upload.thumbnail && this.#thumbnail.getAttribute('src') !== upload.thumbnail) this.#thumbnail.src = upload.thumbnail;
    this.#thumbnail.classList.toggle('empty', !upload.thumbnail);
    this.#progress.value = upload.percent;
    say(this.#status, statusText(upload, offline));
    this.#status.classList.toggle('error', state === 'failed');
    this.#cancel.hidden = isFinished(upload);
    const stopped = state === 'failed' || state === 'cancelled';
    // A file the checks refused (too big, not a photo) would fail the same way again, and no byte
    // of it was sent: no Retry, no progress bar.
    this.#retry.hidden = !(stopped && upload.retryable);
    this.#remove.hidden = !(stopped && upload.retryable);
    this.#progress.hidden = state === 'failed' && !upload.retryable;
    this.fold(folded);
  }

  /** A finished row folds into the summary line until shown. */
  fold(folded: boolean): void {
    this.folded = folded;
    this.#item.hidden = folded;
  }

  remove(): void {
    this.#item.remove();
  }
}

function statusText(upload: LiveUpload, offline: boolean): string {
  const { state, message, retryAt } = upload;
  if (state === 'cancelled') return fill(TEXT.cancelled, { name: upload.name });
  if (state === 'failed') return message ?? TEXT.failed;
  if (state === 'done' || state === 'duplicate') return message ?? TEXT[state];
  if (upload.waitingForSignIn) return TEXT.signIn;
  if (offline || retryAt === 0) return TEXT.offline;
  if (retryAt !== undefined && retryAt > Date.now()) {
    const seconds = Math.ceil((retryAt - Date.now()) / 1000);
    return fill(upload.errorCode === THROTTLED ? TEXT.busyRetryIn : TEXT.retryIn, { seconds });
  }
  return TEXT[state];
}

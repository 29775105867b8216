import { ApiError, PhotoDuplicateError, PhotoNotReadyError, type PhotosClient, type ReadyPhoto } from '@event-photos/client';
import type { ImageContentType } from '@event-photos/core';
import { byId, errorMessage, say } from '#lib/app/dom';

export type UploadState = 'idle' | 'hashing' | 'initiating' | 'uploading' | 'processing' | 'done' | 'error';

/**
 * The picker's hint: the API's IMAGE_CONTENT_TYPES. Spelled out rather than imported because any
 * runtime import from @event-photos/core bundles zod (~450 KB); the Record type makes tsc fail
 * when core's list changes, and the API stays the one that decides.
 */
const ACCEPTED_TYPES: Record<ImageContentType, true> = {
  'image/jpeg': true,
  'image/png': true,
  'image/webp': true,
  'image/gif': true,
  'image/avif': true,
  'image/heic': true,
};

/** How long to wait for the S3 event to turn the upload into a photo. */
const PROCESSING_TIMEOUT_MS = 60_000;

const PROGRESS: Partial<Record<UploadState, string>> = {
  hashing: 'Reading the file…',
  initiating: 'Preparing the upload…',
  uploading: 'Uploading…',
  processing: 'Processing the photo…',
};

/**
 * The upload form: initiate, PUT to S3, wait for processing. Its status line (a live region, with
 * `data-state`) shows each step, then "done" or the API's error message; the field the API names
 * is marked invalid.
 */
export class UploadForm {
  readonly #form: HTMLFormElement;
  readonly #fieldset: HTMLFieldSetElement;
  readonly #file: HTMLInputElement;
  readonly #title: HTMLInputElement;
  readonly #description: HTMLTextAreaElement;
  readonly #status: HTMLElement;
  readonly #onUploaded: (photo: ReadyPhoto) => void;
  readonly #onError: (error: unknown) => void;
  #client: PhotosClient | null = null;
  #running: AbortController | null = null;

  constructor({ onUploaded, onError }: { onUploaded: (photo: ReadyPhoto) => void; onError: (error: unknown) => void }) {
    this.#form = byId('upload-form', HTMLFormElement);
    this.#fieldset = this.#form.querySelector('fieldset')!;
    this.#file = byId('upload-file', HTMLInputElement);
    this.#title = byId('upload-title', HTMLInputElement);
    this.#description = byId('upload-description', HTMLTextAreaElement);
    this.#status = byId('upload-status', HTMLElement);
    this.#onUploaded = onUploaded;
    this.#onError = onError;

    this.#file.accept = Object.keys(ACCEPTED_TYPES).join(',');
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submit();
    });
    for (const control of [this.#file, this.#title, this.#description]) {
      control.addEventListener('input', () => control.removeAttribute('aria-invalid'));
    }
  }

  /** Uploads go to this client's event from now on. */
  use(client: PhotosClient | null): void {
    this.#client = client;
  }

  /** Stops a running upload (sign-out) and clears the form. */
  reset(): void {
    this.#running?.abort();
    this.#running = null;
    this.#form.reset();
    this.#clearInvalid();
    this.#fieldset.disabled = false;
    this.#setState('idle', '');
  }

  async #submit(): Promise<void> {
    const client = this.#client;
    const file = this.#file.files?.[0];
    if (!client || !file || this.#running) return;
    const running = new AbortController();
    this.#running = running;
    this.#clearInvalid();
    this.#fieldset.disabled = true;
    const description = this.#description.value;
    try {
      const { photoId } = await client.uploadFile(file, {
        title: this.#title.value,
        ...(description ? { description } : {}),
        onStage: (stage) => this.#setState(stage),
        signal: running.signal,
      });
      this.#setState('processing');
      const photo = await client.waitForPhoto(photoId, { timeoutMs: PROCESSING_TIMEOUT_MS, signal: running.signal });
      this.#form.reset();
      this.#setState('done', `Done: “${photo.title}” is in the gallery.`);
      this.#onUploaded(photo);
    } catch (error) {
      if (running.signal.aborted) return;
      this.#fieldset.disabled = false; // before #showError focuses the field at fault
      this.#showError(error);
      this.#onError(error);
    } finally {
      if (this.#running === running) {
        this.#running = null;
        this.#fieldset.disabled = false;
      }
    }
  }

  #showError(error: unknown): void {
    if (error instanceof PhotoDuplicateError) {
      this.#form.reset();
      this.#setState('done', 'This photo is already in the gallery.');
      return;
    }
    if (error instanceof PhotoNotReadyError) {
      this.#setState('error', 'The photo was uploaded but is still being processed. It will appear in the gallery when it is ready.');
      return;
    }
    this.#setState('error', `Upload failed: ${errorMessage(error)}`);
    const control = error instanceof ApiError && error.field ? this.#controlFor(error.field) : null;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
  }

  #controlFor(field: string): HTMLInputElement | HTMLTextAreaElement | null {
    if (field === 'title') return this.#title;
    if (field === 'description') return this.#description;
    if (field === 'contentType' || field === 'size' || field === 'sha256') return this.#file;
    return null;
  }

  #clearInvalid(): void {
    for (const control of [this.#file, this.#title, this.#description]) control.removeAttribute('aria-invalid');
  }

  #setState(state: UploadState, message = PROGRESS[state] ?? ''): void {
    this.#status.dataset['state'] = state;
    say(this.#status, message);
  }
}

import { plainErrorMessage, type PhotosClient } from '@event-photos/client';
import { byId, formatDate, isImageUrl, say } from '#lib/app/dom';
import type { PhotoGallery } from '#lib/app/photo-gallery';
import { showPhotoImage } from '#lib/app/photo-image';

/** The lightbox fills the screen: the browser picks the rendition for the viewport's width. */
const LIGHTBOX_SIZES = '100vw';
/** A horizontal swipe at least this long (CSS px) moves to the next or previous photo. */
const SWIPE_PX = 50;

/**
 * One photo at a time, large, with its title, description, uploader and date; ← and → (keys,
 * buttons or a swipe) step through the gallery, Escape closes. Its uploader and the event's
 * organizer may edit the title and description, or delete it.
 */
export class PhotoLightbox {
  readonly #client: PhotosClient;
  readonly #gallery: PhotoGallery;
  readonly #onError: (error: unknown) => void;
  readonly #dialog = byId('lightbox', HTMLDialogElement);
  readonly #image = byId('lightbox-image', HTMLImageElement);
  readonly #edit = byId('lightbox-edit', HTMLFormElement);
  readonly #title = byId('lightbox-edit-title', HTMLInputElement);
  readonly #description = byId('lightbox-edit-description', HTMLTextAreaElement);
  readonly #message = byId('lightbox-message', HTMLElement);
  #photoId: string | null = null;

  constructor(client: PhotosClient, gallery: PhotoGallery, { onError }: { onError: (error: unknown) => void }) {
    this.#client = client;
    this.#gallery = gallery;
    this.#onError = onError;
    byId('lightbox-prev', HTMLButtonElement).addEventListener('click', () => this.#step(-1));
    byId('lightbox-next', HTMLButtonElement).addEventListener('click', () => this.#step(1));
    byId('lightbox-close', HTMLButtonElement).addEventListener('click', () => this.#dialog.close());
    byId('lightbox-delete', HTMLButtonElement).addEventListener('click', () => void this.#delete());
    this.#edit.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#save();
    });
    this.#dialog.addEventListener('keydown', (event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (event.key === 'ArrowLeft') this.#step(-1);
      if (event.key === 'ArrowRight') this.#step(1);
    });
    let startX: number | null = null;
    this.#image.addEventListener('pointerdown', (event) => (startX = event.clientX));
    this.#image.addEventListener('pointerup', (event) => {
      if (startX === null) return;
      const moved = event.clientX - startX;
      startX = null;
      if (Math.abs(moved) >= SWIPE_PX) this.#step(moved < 0 ? 1 : -1);
    });
    // The browser would drag the image instead of letting the pointer swipe.
    this.#image.addEventListener('dragstart', (event) => event.preventDefault());
    this.#dialog.addEventListener('close', () => (this.#photoId = null));
  }

  open(photoId: string): void {
    this.#show(photoId);
    if (!this.#dialog.open) this.#dialog.showModal();
  }

  #show(photoId: string): void {
    const order = this.#gallery.order;
    const index = order.findIndex((photo) => photo.photoId === photoId);
    const photo = order[index];
    if (!photo) {
      this.#dialog.close();
      return;
    }
    this.#photoId = photoId;
    this.#image.removeAttribute('src');
    showPhotoImage(this.#image, photo, LIGHTBOX_SIZES);
    say(byId('lightbox-title', HTMLElement), photo.title);
    say(byId('lightbox-description', HTMLElement), photo.description);
    say(
      byId('lightbox-meta', HTMLElement),
      `Uploaded by ${photo.uploaderName}${photo.mine ? ' (you)' : ''} · ${formatDate(photo.createdAt)}`,
    );
    say(byId('lightbox-position', HTMLElement), `${index + 1} of ${order.length}`);
    // The gallery shows renditions; the uploader's file itself (any size, HEIC too) is one click away.
    const original = byId('lightbox-original', HTMLAnchorElement);
    original.hidden = !isImageUrl(photo.url);
    if (isImageUrl(photo.url)) original.href = photo.url;
    byId('lightbox-prev', HTMLButtonElement).disabled = index === 0;
    byId('lightbox-next', HTMLButtonElement).disabled = index === order.length - 1;
    this.#edit.hidden = !this.#gallery.mayChange(photo);
    this.#title.value = photo.title;
    this.#description.value = photo.description;
    say(this.#message);
  }

  #step(by: number): void {
    const order = this.#gallery.order;
    const next = order[order.findIndex((photo) => photo.photoId === this.#photoId) + by];
    if (next) this.#show(next.photoId);
  }

  async #save(): Promise<void> {
    const photoId = this.#photoId;
    if (!photoId) return;
    const fieldset = this.#edit.querySelector('fieldset')!;
    fieldset.disabled = true;
    say(this.#message, 'Saving…');
    try {
      const saved = await this.#client.editPhoto(photoId, { title: this.#title.value, description: this.#description.value });
      this.#gallery.update(saved);
      if (this.#photoId === photoId) this.#show(photoId);
      say(this.#message, 'Saved.');
    } catch (error) {
      say(this.#message, plainErrorMessage(error, 'This photo'));
      this.#onError(error);
    } finally {
      fieldset.disabled = false;
    }
  }

  async #delete(): Promise<void> {
    const photoId = this.#photoId;
    if (!photoId || !window.confirm('Delete this photo? This cannot be undone.')) return;
    const order = this.#gallery.order;
    const index = order.findIndex((photo) => photo.photoId === photoId);
    try {
      await this.#client.deletePhoto(photoId);
      this.#gallery.remove(photoId);
      const next = order[index + 1] ?? order[index - 1];
      if (next) this.#show(next.photoId);
      else this.#dialog.close();
    } catch (error) {
      say(this.#message, plainErrorMessage(error, 'This photo'));
      this.#onError(error);
    }
  }
}

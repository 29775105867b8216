import { plainErrorMessage, type PhotosClient } from '@event-photos/client';
import { byId, fill, formatDate, isImageUrl, say } from '#lib/app/dom';
import { downloadOf, openDownload, saveFile } from '#lib/app/photo-download';
import type { PhotoGallery } from '#lib/app/photo-gallery';
import { showPhotoImage, type GalleryPhoto } from '#lib/app/photo-image';
import { localized } from '#lib/app/i18n';

/** The lightbox fills the screen: the browser picks the rendition for the viewport's width. */
const LIGHTBOX_SIZES = '100vw';
/** A horizontal swipe at least this long (CSS px) moves to the next or previous photo. */
const SWIPE_PX = 50;

const TEXT = localized({
  meta: 'Uploaded by {name} · {date}',
  metaMine: 'Uploaded by {name} (you) · {date}',
  untouchedMine: 'Download my untouched original',
  untouchedOther: 'Download the untouched original',
  downloading: 'Downloading…',
  confirmDelete: 'Delete this photo? This cannot be undone.',
  saving: 'Saving…',
  saved: 'Saved.',
  subject: 'This photo',
  downloadSubject: 'Downloading this photo',
});

/**
 * One photo at a time, large, with its title, description, uploader and date, and where it is
 * among the event's photos; ← and → (keys, buttons or a swipe) step through the gallery, loading
 * more past its last tile; Escape closes. "Download" saves the published original where the caller
 * may have it, else the largest rendition; its uploader is told what others do not get, and may
 * save the untouched original (so may the organizer). Its uploader and the event's organizer may
 * edit the title and description, or delete it. What the feed changes (an edit, a delete) shows.
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
  readonly #downloadMessage = byId('lightbox-download-message', HTMLElement);
  readonly #untouched = byId('lightbox-untouched', HTMLButtonElement);
  #photoId: string | null = null;
  /** Where the photo shown was in the gallery: its neighbour takes its place when it is deleted. */
  #index = 0;

  constructor(client: PhotosClient, gallery: PhotoGallery, { onError }: { onError: (error: unknown) => void }) {
    this.#client = client;
    this.#gallery = gallery;
    this.#onError = onError;
    byId('lightbox-prev', HTMLButtonElement).addEventListener('click', () => void this.#step(-1));
    byId('lightbox-next', HTMLButtonElement).addEventListener('click', () => void this.#step(1));
    byId('lightbox-close', HTMLButtonElement).addEventListener('click', () => this.#dialog.close());
    byId('lightbox-delete', HTMLButtonElement).addEventListener('click', () => void this.#delete());
    byId('lightbox-download', HTMLButtonElement).addEventListener('click', () => void this.#download());
    this.#untouched.addEventListener('click', () => void this.#downloadUntouched());
    this.#edit.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#save();
    });
    this.#dialog.addEventListener('keydown', (event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (event.key === 'ArrowLeft') void this.#step(-1);
      if (event.key === 'ArrowRight') void this.#step(1);
    });
    let startX: number | null = null;
    this.#image.addEventListener('pointerdown', (event) => (startX = event.clientX));
    this.#image.addEventListener('pointerup', (event) => {
      if (startX === null) return;
      const moved = event.clientX - startX;
      startX = null;
      if (Math.abs(moved) >= SWIPE_PX) void this.#step(moved < 0 ? 1 : -1);
    });
    // The browser would drag the image instead of letting the pointer swipe.
    this.#image.addEventListener('dragstart', (event) => event.preventDefault());
    this.#dialog.addEventListener('close', () => (this.#photoId = null));
    gallery.onChange = () => this.#refresh();
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
    this.#index = index;
    this.#image.removeAttribute('src');
    showPhotoImage(this.#image, photo, LIGHTBOX_SIZES);
    this.#describe(photo);
    this.#title.value = photo.title;
    this.#description.value = photo.description;
    say(this.#message);
    say(this.#downloadMessage);
  }

  /** The words around the image: title, description, uploader, position, what may be downloaded. */
  #describe(photo: GalleryPhoto): void {
    say(byId('lightbox-title', HTMLElement), photo.title);
    say(byId('lightbox-description', HTMLElement), photo.description);
    const meta = { name: photo.uploaderName, date: formatDate(photo.createdAt) };
    say(byId('lightbox-meta', HTMLElement), fill(photo.mine ? TEXT.metaMine : TEXT.meta, meta));
    say(byId('lightbox-position', HTMLElement), this.#gallery.position(photo.photoId));
    // "Original file" only for a caller the API gave the published original (url) to.
    const original = byId('lightbox-original', HTMLAnchorElement);
    original.hidden = !isImageUrl(photo.url);
    if (isImageUrl(photo.url)) original.href = photo.url;
    else original.removeAttribute('href');
    byId('lightbox-download', HTMLButtonElement).hidden = downloadOf(photo) === null;
    byId('lightbox-private', HTMLElement).hidden = !photo.mine;
    byId('lightbox-withheld', HTMLElement).hidden = photo.originalWithheld === undefined;
    // The untouched original: its uploader's, and the organizer's (the API answers 403 to anyone else).
    this.#untouched.hidden = !this.#gallery.mayChange(photo);
    this.#untouched.textContent = photo.mine ? TEXT.untouchedMine : TEXT.untouchedOther;
    const order = this.#gallery.order;
    const index = order.findIndex((shown) => shown.photoId === photo.photoId);
    byId('lightbox-prev', HTMLButtonElement).disabled = index <= 0;
    byId('lightbox-next', HTMLButtonElement).disabled = index === order.length - 1 && !this.#gallery.more;
    this.#edit.hidden = !this.#gallery.mayChange(photo);
  }

  /** The gallery changed (the feed, an upload): the photo shown was edited, deleted, or only moved. */
  #refresh(): void {
    if (!this.#dialog.open || this.#photoId === null) return;
    const order = this.#gallery.order;
    const photo = order.find((shown) => shown.photoId === this.#photoId);
    if (!photo) {
      // Deleted: its neighbour, as after a delete here.
      const next = order[Math.min(this.#index, order.length - 1)];
      if (next) this.#show(next.photoId);
      else this.#dialog.close();
      return;
    }
    this.#index = order.indexOf(photo);
    this.#describe(photo);
    // What someone else saved shows, unless this person is typing in the form.
    if (!this.#edit.contains(document.activeElement)) {
      this.#title.value = photo.title;
      this.#description.value = photo.description;
    }
  }

  async #step(by: number): Promise<void> {
    let order = this.#gallery.order;
    let index = order.findIndex((photo) => photo.photoId === this.#photoId) + by;
    if (index === order.length && this.#gallery.more) {
      // Past the last tile: the next page first.
      const from = this.#photoId;
      await this.#gallery.loadMore();
      if (this.#photoId !== from) return;
      order = this.#gallery.order;
      index = order.findIndex((photo) => photo.photoId === from) + by;
    }
    const next = order[index];
    if (next) this.#show(next.photoId);
  }

  async #download(): Promise<void> {
    const photo = this.#gallery.order.find((shown) => shown.photoId === this.#photoId);
    const download = photo && downloadOf(photo);
    if (!download) return;
    say(this.#downloadMessage, TEXT.downloading);
    try {
      await saveFile(download.url, download.fileName);
      say(this.#downloadMessage);
    } catch (error) {
      say(this.#downloadMessage, plainErrorMessage(error, TEXT.downloadSubject));
      this.#onError(error);
    }
  }

  async #downloadUntouched(): Promise<void> {
    const photoId = this.#photoId;
    if (!photoId) return;
    say(this.#downloadMessage, TEXT.downloading);
    try {
      // A presigned GET valid for minutes, answered as an attachment: asked for at the click, used at once.
      const { url } = await this.#client.getOriginal(photoId);
      openDownload(url);
      say(this.#downloadMessage);
    } catch (error) {
      say(this.#downloadMessage, plainErrorMessage(error, TEXT.downloadSubject));
      this.#onError(error);
    }
  }

  async #save(): Promise<void> {
    const photoId = this.#photoId;
    if (!photoId) return;
    const fieldset = this.#edit.querySelector('fieldset')!;
    fieldset.disabled = true;
    say(this.#message, TEXT.saving);
    try {
      const saved = await this.#client.editPhoto(photoId, { title: this.#title.value, description: this.#description.value });
      // The gallery's tile, and (through #refresh) the words shown here.
      this.#gallery.update(saved);
      if (this.#photoId === photoId) {
        this.#title.value = saved.title;
        this.#description.value = saved.description;
      }
      say(this.#message, TEXT.saved);
    } catch (error) {
      say(this.#message, plainErrorMessage(error, TEXT.subject));
      this.#onError(error);
    } finally {
      fieldset.disabled = false;
    }
  }

  async #delete(): Promise<void> {
    const photoId = this.#photoId;
    if (!photoId || !window.confirm(TEXT.confirmDelete)) return;
    try {
      await this.#client.deletePhoto(photoId);
      // The gallery takes the tile out; #refresh shows its neighbour (or closes).
      this.#gallery.remove(photoId);
    } catch (error) {
      say(this.#message, plainErrorMessage(error, TEXT.subject));
      this.#onError(error);
    }
  }
}

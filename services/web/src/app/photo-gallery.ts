import { plainErrorMessage, type PhotosClient } from '@event-photos/client';
import type { PhotoPage, PhotoView } from '@event-photos/core';
import { byId, element, say } from '#lib/app/dom';
import { followFeed } from '#lib/app/live-feed';
import { showPhotoImage, type GalleryPhoto } from '#lib/app/photo-image';

/** The grid's columns (see styles.css): what `sizes` tells the browser to pick a rendition for. */
const GRID_SIZES = '(min-width: 64rem) 16rem, (min-width: 40rem) 33vw, 50vw';

export interface PhotoGalleryOptions {
  pageSize: number;
  /** The caller organizes the event: it may delete any photo. */
  organizer: boolean;
  signal: AbortSignal;
  onError(error: unknown): void;
}

/**
 * The event's photos, newest first: more pages as the end of the grid scrolls into view (a "Load
 * more" button too), new photos from the live feed on top, several selected and deleted at once.
 */
export class PhotoGallery {
  /** Opens a photo in the lightbox. */
  onOpen: (photoId: string) => void = () => undefined;
  readonly #client: PhotosClient;
  readonly #options: PhotoGalleryOptions;
  readonly #grid = byId('photo-grid', HTMLUListElement);
  readonly #loadMore = byId('load-more', HTMLButtonElement);
  readonly #message = byId('gallery-message', HTMLElement);
  readonly #selectToggle = byId('select-toggle', HTMLButtonElement);
  readonly #deleteSelected = byId('delete-selected', HTMLButtonElement);
  readonly #photos = new Map<string, GalleryPhoto>();
  readonly #selected = new Set<string>();
  #pages: AsyncGenerator<PhotoPage, void, undefined>;
  #loading = false;
  #more = true;
  /** Whether the end of the grid is near the viewport: then the next page is wanted. */
  #endInView = false;

  constructor(client: PhotosClient, options: PhotoGalleryOptions) {
    this.#client = client;
    this.#options = options;
    this.#pages = client.pages({ limit: options.pageSize, signal: options.signal });
    this.#loadMore.addEventListener('click', () => void this.#nextPage());
    const observer = new IntersectionObserver(
      (entries) => {
        this.#endInView = entries.some((entry) => entry.isIntersecting);
        if (this.#endInView) void this.#nextPage();
      },
      { rootMargin: '800px 0px' },
    );
    observer.observe(this.#loadMore);
    options.signal.addEventListener('abort', () => observer.disconnect());

    this.#selectToggle.addEventListener('click', () => this.#setSelecting(this.#grid.dataset['selecting'] !== 'true'));
    this.#deleteSelected.addEventListener('click', () => void this.#deleteChosen());
  }

  /** Photos in the order shown: what the lightbox steps through. */
  get order(): GalleryPhoto[] {
    return [...this.#grid.children].map((item) => this.#photos.get((item as HTMLElement).dataset['photoId']!)!).filter(Boolean);
  }

  mayChange(photo: PhotoView): boolean {
    return photo.mine || this.#options.organizer;
  }

  /** The first page, then the live feed from its feedCursor. */
  async start(): Promise<void> {
    const first = await this.#nextPage();
    if (first?.feedCursor) {
      void followFeed(this.#client, first.feedCursor, {
        signal: this.#options.signal,
        onPhotos: (photos) => {
          for (const photo of photos) this.add(photo);
        },
        onError: (error) => this.#fail(error, 'Updating the gallery'),
      });
    }
  }

  /** A photo that just became ready (an upload of ours, or the feed's): on top, once. */
  add(photo: GalleryPhoto): void {
    if (this.#photos.has(photo.photoId)) return;
    this.#photos.set(photo.photoId, photo);
    this.#grid.prepend(this.#tile(photo));
    this.#updateEmpty();
  }

  update(photo: GalleryPhoto): void {
    const tile = this.#tileOf(photo.photoId);
    if (!tile) return;
    this.#photos.set(photo.photoId, photo);
    tile.replaceWith(this.#tile(photo));
  }

  remove(photoId: string): void {
    this.#photos.delete(photoId);
    this.#selected.delete(photoId);
    this.#tileOf(photoId)?.remove();
    this.#updateEmpty();
    this.#updateSelection();
  }

  async #nextPage(): Promise<PhotoPage | undefined> {
    if (this.#loading || !this.#more) return undefined;
    this.#loading = true;
    this.#loadMore.disabled = true;
    this.#grid.setAttribute('aria-busy', 'true');
    try {
      const result = await this.#pages.next();
      if (result.done) {
        this.#more = false;
        return undefined;
      }
      for (const photo of result.value.items) {
        if (this.#photos.has(photo.photoId)) continue;
        this.#photos.set(photo.photoId, photo);
        this.#grid.append(this.#tile(photo));
      }
      this.#more = result.value.nextCursor !== null;
      return result.value;
    } catch (error) {
      // A failed page ends the generator: start again after what is shown, from the first page.
      this.#pages = this.#client.pages({ limit: this.#options.pageSize, signal: this.#options.signal });
      this.#fail(error, 'Loading photos');
      return undefined;
    } finally {
      this.#loading = false;
      this.#loadMore.disabled = false;
      this.#loadMore.hidden = !this.#more;
      this.#grid.setAttribute('aria-busy', 'false');
      this.#updateEmpty();
      // The observer speaks only when the end comes into view: if a page did not fill the screen,
      // it is still in view, and the next page is asked for here (once the layout has settled).
      if (this.#more && this.#endInView) requestAnimationFrame(() => void (this.#endInView && this.#nextPage()));
    }
  }

  #tile(photo: GalleryPhoto): HTMLLIElement {
    const item = element('li', { className: 'photo' });
    item.dataset['photoId'] = photo.photoId;
    const open = element('button', { className: 'photo-open', attributes: { type: 'button' } });
    const image = element('img', { attributes: { loading: 'lazy' } });
    showPhotoImage(image, photo, GRID_SIZES);
    open.append(image);
    open.addEventListener('click', () => {
      if (this.#grid.dataset['selecting'] === 'true' && this.mayChange(photo)) this.#toggle(photo.photoId);
      else this.onOpen(photo.photoId);
    });
    item.append(open, element('p', { className: 'photo-title', text: photo.title }));
    if (this.mayChange(photo)) {
      const label = element('label', { className: 'photo-select' });
      const checkbox = element('input', { attributes: { type: 'checkbox' } });
      checkbox.checked = this.#selected.has(photo.photoId);
      checkbox.addEventListener('change', () => this.#toggle(photo.photoId, checkbox.checked));
      label.append(checkbox, element('span', { className: 'visually-hidden', text: `Select “${photo.title}”` }));
      item.append(label);
    }
    return item;
  }

  #tileOf(photoId: string): HTMLLIElement | null {
    return this.#grid.querySelector(`li[data-photo-id="${CSS.escape(photoId)}"]`);
  }

  #toggle(photoId: string, on = !this.#selected.has(photoId)): void {
    if (on) this.#selected.add(photoId);
    else this.#selected.delete(photoId);
    const checkbox = this.#tileOf(photoId)?.querySelector('input[type="checkbox"]');
    if (checkbox instanceof HTMLInputElement) checkbox.checked = on;
    this.#updateSelection();
  }

  #setSelecting(on: boolean): void {
    this.#grid.dataset['selecting'] = String(on);
    this.#selectToggle.setAttribute('aria-pressed', String(on));
    this.#selectToggle.textContent = on ? 'Done selecting' : 'Select';
    if (!on) for (const photoId of [...this.#selected]) this.#toggle(photoId, false);
    this.#deleteSelected.hidden = !on;
    this.#updateSelection();
  }

  #updateSelection(): void {
    const count = this.#selected.size;
    this.#deleteSelected.disabled = count === 0;
    this.#deleteSelected.textContent = count === 0 ? 'Delete selected' : `Delete ${count} selected`;
  }

  async #deleteChosen(): Promise<void> {
    const photoIds = [...this.#selected];
    if (photoIds.length === 0) return;
    if (
      !window.confirm(
        photoIds.length === 1
          ? 'Delete the selected photo? This cannot be undone.'
          : `Delete ${photoIds.length} photos? This cannot be undone.`,
      )
    )
      return;
    this.#deleteSelected.disabled = true;
    say(this.#message);
    try {
      const results = await this.#client.deletePhotos(photoIds, { signal: this.#options.signal });
      const refused = results.filter((result) => result.status === 'forbidden');
      for (const result of results) if (result.status !== 'forbidden') this.remove(result.photoId);
      if (refused.length > 0)
        say(this.#message, `${refused.length} of the photos could not be deleted: only their uploader or the event’s organizer may.`);
      else this.#setSelecting(false);
    } catch (error) {
      this.#fail(error, 'Deleting the photos');
    } finally {
      this.#updateSelection();
    }
  }

  #updateEmpty(): void {
    byId('gallery-empty', HTMLElement).hidden = this.#photos.size > 0 || this.#loading;
    this.#selectToggle.hidden = ![...this.#photos.values()].some((photo) => this.mayChange(photo));
  }

  #fail(error: unknown, what: string): void {
    if (this.#options.signal.aborted) return;
    say(this.#message, plainErrorMessage(error, what));
    this.#options.onError(error);
  }
}

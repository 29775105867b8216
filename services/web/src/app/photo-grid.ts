import type { PhotosClient } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import { errorMessage, say } from '#lib/app/dom';

export interface PhotoGridElements {
  list: HTMLUListElement;
  loadMore: HTMLButtonElement;
  empty: HTMLElement;
  error: HTMLElement;
}

/** The event's photos, newest first, one page at a time ("Load more" follows nextCursor). */
export class PhotoGrid {
  readonly #elements: PhotoGridElements;
  readonly #pageSize: number;
  readonly #onError: (error: unknown) => void;
  #client: PhotosClient | null = null;
  #cursor: string | null = null;
  #shown = new Set<string>();
  /** Bumped on every reset: answers for an earlier event or session are dropped. */
  #generation = 0;

  constructor(elements: PhotoGridElements, { pageSize, onError }: { pageSize: number; onError: (error: unknown) => void }) {
    this.#elements = elements;
    this.#pageSize = pageSize;
    this.#onError = onError;
    elements.loadMore.addEventListener('click', () => void this.loadMore());
  }

  /** Shows the first page of the client's event. */
  show(client: PhotosClient): Promise<void> {
    this.clear();
    this.#client = client;
    return this.loadMore();
  }

  clear(): void {
    this.#generation++;
    this.#client = null;
    this.#cursor = null;
    this.#shown.clear();
    const { list, loadMore, empty, error } = this.#elements;
    list.replaceChildren();
    list.setAttribute('aria-busy', 'false');
    loadMore.hidden = true;
    empty.hidden = true;
    say(error);
  }

  async loadMore(): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const generation = this.#generation;
    const { list, loadMore, empty, error } = this.#elements;
    loadMore.disabled = true;
    list.setAttribute('aria-busy', 'true');
    say(error);
    try {
      const page = await client.listPhotos({ limit: this.#pageSize, cursor: this.#cursor });
      if (generation !== this.#generation) return;
      for (const photo of page.items) this.#append(photo);
      this.#cursor = page.nextCursor;
      loadMore.hidden = page.nextCursor === null;
      empty.hidden = this.#shown.size > 0;
    } catch (caught) {
      if (generation !== this.#generation) return;
      say(error, `Could not load the photos: ${errorMessage(caught)}`);
      this.#onError(caught);
    } finally {
      if (generation === this.#generation) {
        loadMore.disabled = false;
        list.setAttribute('aria-busy', 'false');
      }
    }
  }

  /** Puts a just-processed photo first, if it belongs to the event on screen. */
  add(photo: PhotoView): void {
    if (!this.#client || photo.eventId !== this.#client.eventId || this.#shown.has(photo.photoId)) return;
    this.#shown.add(photo.photoId);
    this.#elements.list.prepend(photoItem(photo));
    this.#elements.empty.hidden = true;
  }

  #append(photo: PhotoView): void {
    if (this.#shown.has(photo.photoId)) return;
    this.#shown.add(photo.photoId);
    this.#elements.list.append(photoItem(photo));
  }
}

function photoItem(photo: PhotoView): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'photo';
  item.dataset['photoId'] = photo.photoId;
  const figure = document.createElement('figure');

  const image = document.createElement('img');
  if (isWebUrl(photo.url)) image.src = photo.url;
  image.alt = photo.title;
  image.loading = 'lazy';
  image.decoding = 'async';

  const caption = document.createElement('figcaption');
  const title = document.createElement('p');
  title.className = 'photo-title';
  title.textContent = photo.title;
  caption.append(title);
  if (photo.description) {
    const description = document.createElement('p');
    description.className = 'photo-description';
    description.textContent = photo.description;
    caption.append(description);
  }
  figure.append(image, caption);
  item.append(figure);
  return item;
}

/** Only http(s) image URLs reach the page. */
function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

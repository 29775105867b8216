import { plainErrorMessage, type ListPhotosOptions, type PhotosClient } from '@event-photos/client';
import type { EventView, PhotoPage, PhotoView } from '@event-photos/core';
import { byId, element, fill, say } from '#lib/app/dom';
import { followFeed } from '#lib/app/live-feed';
import { describePhotoImage, showPhotoImage, type GalleryPhoto } from '#lib/app/photo-image';
import { localized } from '#lib/app/i18n';

/**
 * The width of a tile (styles.css .photo-grid): three square tiles across a phone, edge to edge,
 * four from 40rem, five from 64rem within the page's 72rem.
 */
const TILE_WIDTHS: Array<[media: string, width: string]> = [
  ['(min-width: 72rem) ', '13.6rem'],
  ['(min-width: 64rem) ', '(100vw - 4rem) / 5'],
  ['(min-width: 40rem) ', '(100vw - 3.5rem) / 4'],
  ['', '(100vw - 4px) / 3'],
];
/**
 * At most this many device pixels per CSS pixel for a tile. A 390 px phone at 3x would otherwise
 * take the 960 px rendition (six times the bytes of the 320 px one) for a 129 px thumbnail that
 * the 320 px one already fills at 2.5x; the photo view still gets the full density.
 */
const TILE_MAX_DENSITY = 2;

/**
 * `sizes` for the grid: each tile's width, so the browser picks the rendition that fits it; on a
 * screen denser than TILE_MAX_DENSITY, scaled down by the difference (the same as capping the density).
 */
function gridSizes(): string {
  const scale = Math.min(1, TILE_MAX_DENSITY / (window.devicePixelRatio || 1));
  return TILE_WIDTHS.map(([media, width]) => `${media}calc(${width}${scale < 1 ? ` * ${scale.toFixed(3)}` : ''})`).join(', ');
}

/**
 * A tile's image loads once the tile is within half a screen of the viewport, not before; so does
 * the next page once the end of the grid is (a page of 24 is 8 rows on a phone, and its JSON,
 * with a signed URL per rendition, weighs about as much as the images of the first screen).
 */
const LOAD_AHEAD = '50% 0px';
/** An empty image: what a tile without a placeholder shows until its rendition loads. */
const BLANK = 'data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E';

const TEXT = localized({
  empty: 'No photos yet. Be the first to add one.',
  noMatch: 'No photo matches “{q}”.',
  noneMine: 'You have added no photos here yet.',
  noneMineMatch: 'None of your photos matches “{q}”.',
  position: '{index} of {count}',
  found: '{index} of {count} found',
  foundSoFar: '{index} of {count} found so far',
  select: 'Select “{title}”',
  selecting: 'Done selecting',
  notSelecting: 'Select',
  deleteNone: 'Delete selected',
  deleteSome: 'Delete {count} selected',
  confirmOne: 'Delete the selected photo? This cannot be undone.',
  confirmSome: 'Delete {count} photos? This cannot be undone.',
  refused: '{count} of the photos could not be deleted: only their uploader or the event’s organizer may.',
  loading: 'Loading photos',
  updating: 'Updating the gallery',
  deleting: 'Deleting the photos',
});

/** What the gallery lists: `q` searches titles and descriptions, `uploader: 'me'` keeps the caller's own. */
export type GalleryFilter = Pick<ListPhotosOptions, 'q' | 'uploader'>;

export interface PhotoGalleryOptions {
  pageSize: number;
  /** The caller organizes the event: it may delete any photo. */
  organizer: boolean;
  /** The event's processed photos (GET /events/{eventId}'s photoCount) as the screen opened. */
  photoCount: number;
  /** Reads that count again (a filter was cleared: the count the feed kept up is not known meanwhile). */
  countPhotos(): Promise<number>;
  signal: AbortSignal;
  /** The event as the feed last told it (renamed, closed, opened again). */
  onEvent(event: EventView): void;
  onError(error: unknown): void;
}

/** One listing with one filter: its pages, and everything it started (the feed) stopped with it. */
interface Run {
  filter: GalleryFilter;
  controller: AbortController;
  pages: AsyncGenerator<PhotoPage, void, undefined>;
  loading: boolean;
  more: boolean;
}

/**
 * The event's photos, newest first, as square tiles: more pages as the end of the grid scrolls into
 * view (a "Load more" button too), each tile's image only once it nears the screen. The live feed
 * adds new photos on top, updates edited ones and takes deleted ones out; the event's photo count
 * follows. A filter (search, only mine) starts the listing again. Several photos can be selected
 * and deleted at once.
 */
export class PhotoGallery {
  /** Opens a photo in the lightbox. */
  onOpen: (photoId: string) => void = () => undefined;
  /** A photo was added, edited or taken out (what the photo view shows may have changed). */
  onChange: () => void = () => undefined;
  readonly #client: PhotosClient;
  readonly #options: PhotoGalleryOptions;
  readonly #grid = byId('photo-grid', HTMLUListElement);
  readonly #loadMore = byId('load-more', HTMLButtonElement);
  readonly #message = byId('gallery-message', HTMLElement);
  readonly #empty = byId('gallery-empty', HTMLElement);
  readonly #selectToggle = byId('select-toggle', HTMLButtonElement);
  readonly #deleteSelected = byId('delete-selected', HTMLButtonElement);
  readonly #photos = new Map<string, GalleryPhoto>();
  readonly #selected = new Set<string>();
  /** Every photo known deleted (by this screen or the feed): never added again, never counted twice. */
  readonly #removed = new Set<string>();
  /** The photo each waiting tile image shows once it nears the screen. */
  readonly #waiting = new WeakMap<Element, GalleryPhoto>();
  readonly #near: IntersectionObserver;
  #run: Run;
  /** The event's photo count while the listing is not filtered; null while it is. */
  #count: number | null;
  /** Whether a listing was started: a later one reads the count again. */
  #started = false;

  constructor(client: PhotosClient, options: PhotoGalleryOptions) {
    this.#client = client;
    this.#options = options;
    this.#count = options.photoCount;
    this.#run = this.#newRun({});
    this.#loadMore.addEventListener('click', () => void this.loadMore());
    const end = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void this.loadMore();
      },
      { rootMargin: LOAD_AHEAD },
    );
    end.observe(this.#loadMore);
    this.#near = new IntersectionObserver((entries) => this.#showNear(entries), { rootMargin: LOAD_AHEAD });
    options.signal.addEventListener('abort', () => {
      end.disconnect();
      this.#near.disconnect();
    });
    this.#selectToggle.addEventListener('click', () => this.#setSelecting(this.#grid.dataset['selecting'] !== 'true'));
    this.#deleteSelected.addEventListener('click', () => void this.#deleteChosen());
  }

  /** Photos in the order shown: what the lightbox steps through. */
  get order(): GalleryPhoto[] {
    return [...this.#grid.children].map((item) => this.#photos.get((item as HTMLElement).dataset['photoId']!)!).filter(Boolean);
  }

  get filter(): GalleryFilter {
    return this.#run.filter;
  }

  /** Whether more (older) photos can be loaded. */
  get more(): boolean {
    return this.#run.more;
  }

  mayChange(photo: PhotoView): boolean {
    return photo.mine || this.#options.organizer;
  }

  /** "3 of 44": where the photo is among the event's photos (among those found, with a filter). */
  position(photoId: string): string {
    const order = this.order;
    const index = order.findIndex((photo) => photo.photoId === photoId) + 1;
    if (this.#count === null) return fill(this.#run.more ? TEXT.foundSoFar : TEXT.found, { index, count: order.length });
    return fill(TEXT.position, { index, count: Math.max(this.#count, order.length) });
  }

  /** The first page (with `filter`), then the live feed from its feedCursor; a listing already shown stops. */
  async start(filter: GalleryFilter = {}): Promise<void> {
    const restart = this.#started;
    this.#started = true;
    this.#run.controller.abort();
    const run = (this.#run = this.#newRun(filter));
    for (const photoId of [...this.#selected]) this.#toggle(photoId, false);
    this.#photos.clear();
    this.#near.disconnect();
    this.#grid.replaceChildren();
    say(this.#message);
    const filtered = filter.q !== undefined || filter.uploader !== undefined;
    // The count the feed kept up is lost while filtered: read again, beside the first page.
    const counting = filtered || !restart ? null : this.#options.countPhotos().catch(() => this.#count);
    if (filtered) this.#count = null;
    const first = await this.loadMore();
    const count = await counting;
    if (run === this.#run && count !== null && !filtered) this.#count = count;
    if (run !== this.#run || !first?.feedCursor) return;
    this.onChange();
    void followFeed(this.#client, first.feedCursor, filter, {
      signal: run.controller.signal,
      onPhotos: (photos) => {
        for (const photo of photos) this.#insert(photo);
      },
      onChanged: (photos) => {
        for (const photo of photos) this.update(photo);
      },
      onRemoved: (photoIds) => {
        for (const photoId of photoIds) this.remove(photoId);
      },
      onEvent: (event) => this.#options.onEvent(event),
      onStale: () => void this.start(filter),
      onError: (error) => this.#fail(error, TEXT.updating),
    });
  }

  /** A photo of ours that just became ready: on top, once, if the listing's filter would show it. */
  add(photo: GalleryPhoto): void {
    // A search is the API's to answer (it folds case and script): the photo shows once it is cleared.
    if (this.#run.filter.q !== undefined || (this.#run.filter.uploader === 'me' && !photo.mine)) return;
    this.#insert(photo);
  }

  /** A photo edited (here or, through the feed, elsewhere): its tile shows it as it is now. */
  update(photo: GalleryPhoto): void {
    const tile = this.#tileOf(photo.photoId);
    if (!tile) return;
    this.#photos.set(photo.photoId, photo);
    this.#forgetImage(tile);
    tile.replaceWith(this.#tile(photo));
    this.onChange();
  }

  /** A photo deleted (here or, through the feed, elsewhere): its tile goes, and the count goes down once. */
  remove(photoId: string): void {
    if (this.#removed.has(photoId)) return;
    this.#removed.add(photoId);
    const shown = this.#photos.delete(photoId);
    // Not shown: on a page not loaded yet (then counted), or deleted before this listing (not counted).
    if (this.#count !== null && (shown || this.#run.more)) this.#count = Math.max(0, this.#count - 1);
    this.#selected.delete(photoId);
    const tile = this.#tileOf(photoId);
    if (tile) this.#forgetImage(tile);
    tile?.remove();
    this.#updateEmpty();
    this.#updateSelection();
    this.onChange();
  }

  /** The next page of the listing (what scrolling to the end asks for, and the photo view past the last tile). */
  async loadMore(): Promise<PhotoPage | undefined> {
    const run = this.#run;
    if (run.loading || !run.more) return undefined;
    run.loading = true;
    this.#loadMore.disabled = true;
    this.#grid.setAttribute('aria-busy', 'true');
    try {
      const result = await run.pages.next();
      if (run !== this.#run) return undefined;
      if (result.done) {
        run.more = false;
        return undefined;
      }
      for (const photo of result.value.items) {
        if (this.#photos.has(photo.photoId) || this.#removed.has(photo.photoId)) continue;
        this.#photos.set(photo.photoId, photo);
        this.#grid.append(this.#tile(photo));
      }
      run.more = result.value.nextCursor !== null;
      return result.value;
    } catch (error) {
      if (run !== this.#run) return undefined;
      // A failed page ends the generator: start again after what is shown, from the first page.
      run.pages = this.#client.pages({ limit: this.#options.pageSize, ...run.filter, signal: run.controller.signal });
      this.#fail(error, TEXT.loading);
      return undefined;
    } finally {
      run.loading = false;
      if (run === this.#run) {
        this.#loadMore.disabled = false;
        this.#loadMore.hidden = !run.more;
        this.#grid.setAttribute('aria-busy', 'false');
        this.#updateEmpty();
        // The observer speaks only when the end comes into view: if a page did not fill the screen,
        // it is still in view, and the next page is asked for here, measured once the layout has settled.
        if (run.more) requestAnimationFrame(() => void (this.#endNear() && this.loadMore()));
      }
    }
  }

  /** Whether the "Load more" button (the end of the grid) is within half a screen of the viewport (LOAD_AHEAD). */
  #endNear(): boolean {
    if (this.#loadMore.hidden) return false;
    const { top, bottom } = this.#loadMore.getBoundingClientRect();
    const ahead = window.innerHeight / 2;
    return bottom >= -ahead && top <= window.innerHeight + ahead;
  }

  #newRun(filter: GalleryFilter): Run {
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.#options.signal.addEventListener('abort', stop, { once: true });
    controller.signal.addEventListener('abort', () => this.#options.signal.removeEventListener('abort', stop), { once: true });
    const pages = this.#client.pages({ limit: this.#options.pageSize, ...filter, signal: controller.signal });
    return { filter, controller, pages, loading: false, more: true };
  }

  /** A photo the feed found ready (or one of ours): on top, once, counted. */
  #insert(photo: GalleryPhoto): void {
    if (this.#photos.has(photo.photoId) || this.#removed.has(photo.photoId)) return;
    this.#photos.set(photo.photoId, photo);
    this.#grid.prepend(this.#tile(photo));
    if (this.#count !== null) this.#count++;
    this.#updateEmpty();
    this.onChange();
  }

  #tile(photo: GalleryPhoto): HTMLLIElement {
    const item = element('li', { className: 'photo' });
    item.dataset['photoId'] = photo.photoId;
    const open = element('button', { className: 'photo-open', attributes: { type: 'button' } });
    const image = element('img');
    describePhotoImage(image, photo);
    // Until it loads its rendition: its placeholder (inline, no request), not a broken image with its alt text.
    image.src = photo.placeholder?.startsWith('data:image/') ? photo.placeholder : BLANK;
    this.#waiting.set(image, photo);
    this.#near.observe(image);
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
      label.append(checkbox, element('span', { className: 'visually-hidden', text: fill(TEXT.select, { title: photo.title }) }));
      item.append(label);
    }
    return item;
  }

  /** Tiles that came near the screen load their image (the rendition that fits the tile). */
  #showNear(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const photo = this.#waiting.get(entry.target);
      if (!entry.isIntersecting || !photo || !(entry.target instanceof HTMLImageElement)) continue;
      this.#near.unobserve(entry.target);
      this.#waiting.delete(entry.target);
      showPhotoImage(entry.target, photo, gridSizes());
    }
  }

  /** A tile leaving the grid: its image, if still waiting, is no longer watched. */
  #forgetImage(tile: HTMLElement): void {
    const image = tile.querySelector('img');
    if (image) this.#near.unobserve(image);
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
    this.#selectToggle.textContent = on ? TEXT.selecting : TEXT.notSelecting;
    if (!on) for (const photoId of [...this.#selected]) this.#toggle(photoId, false);
    this.#deleteSelected.hidden = !on;
    this.#updateSelection();
  }

  #updateSelection(): void {
    const count = this.#selected.size;
    this.#deleteSelected.disabled = count === 0;
    this.#deleteSelected.textContent = count === 0 ? TEXT.deleteNone : fill(TEXT.deleteSome, { count });
  }

  async #deleteChosen(): Promise<void> {
    const photoIds = [...this.#selected];
    if (photoIds.length === 0) return;
    if (!window.confirm(photoIds.length === 1 ? TEXT.confirmOne : fill(TEXT.confirmSome, { count: photoIds.length }))) return;
    this.#deleteSelected.disabled = true;
    say(this.#message);
    try {
      const results = await this.#client.deletePhotos(photoIds, { signal: this.#options.signal });
      const refused = results.filter((result) => result.status === 'forbidden');
      for (const result of results) if (result.status !== 'forbidden') this.remove(result.photoId);
      if (refused.length > 0) say(this.#message, fill(TEXT.refused, { count: refused.length }));
      else this.#setSelecting(false);
    } catch (error) {
      this.#fail(error, TEXT.deleting);
    } finally {
      this.#updateSelection();
    }
  }

  #updateEmpty(): void {
    const { q, uploader } = this.#run.filter;
    const words = uploader === 'me' ? (q === undefined ? TEXT.noneMine : TEXT.noneMineMatch) : q === undefined ? TEXT.empty : TEXT.noMatch;
    say(this.#empty, fill(words, { q: q ?? '' }));
    this.#empty.hidden = this.#photos.size > 0 || this.#run.loading;
    this.#selectToggle.hidden = ![...this.#photos.values()].some((photo) => this.mayChange(photo));
  }

  #fail(error: unknown, what: string): void {
    if (this.#options.signal.aborted) return;
    say(this.#message, plainErrorMessage(error, what));
    this.#options.onError(error);
  }
}

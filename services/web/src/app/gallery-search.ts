import { byId } from '#lib/app/dom';
import type { GalleryFilter, PhotoGallery } from '#lib/app/photo-gallery';

/** Typing pauses this long before the gallery searches (Enter searches at once). */
const TYPING_PAUSE_MS = 350;
/** The API's longest `q` (SEARCH_MAX_CHARS). */
const QUERY_MAX_CHARS = 100;

/**
 * The search box (`q`: titles and descriptions, any case or script) and "Only mine"
 * (`uploader=me`) above the gallery: each change lists again with the new filter. "Only mine" is
 * not offered to a member who sees only their own photos anyway.
 */
export function startGallerySearch(gallery: PhotoGallery, { signal, seesOthers }: { signal: AbortSignal; seesOthers: boolean }): void {
  const form = byId('gallery-search', HTMLFormElement);
  const query = byId('gallery-q', HTMLInputElement);
  const mine = byId('gallery-mine', HTMLInputElement);
  form.hidden = false;
  byId('gallery-mine-field', HTMLElement).hidden = !seesOthers;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const apply = () => {
    clearTimeout(timer);
    const q = query.value.trim().slice(0, QUERY_MAX_CHARS);
    const filter: GalleryFilter = { ...(q ? { q } : {}), ...(mine.checked && seesOthers ? { uploader: 'me' as const } : {}) };
    if (filter.q === gallery.filter.q && filter.uploader === gallery.filter.uploader) return;
    void gallery.start(filter);
  };
  query.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, TYPING_PAUSE_MS);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  mine.addEventListener('change', apply);
  signal.addEventListener('abort', () => clearTimeout(timer));
}

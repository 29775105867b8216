import type { PhotoView } from '@event-photos/core';

/**
 * Which photo a slideshow shows next: the event's photos in the order they became ready, round
 * and round, except that a photo that just arrived jumps the queue (guests look up to see theirs).
 * Follows deletes (a deleted photo is never shown again) and edits (its caption as it is now).
 */
export class SlideOrder {
  #photos: PhotoView[] = [];
  #index = -1;
  /** Ids of photos that arrived and were not shown yet, oldest arrival first. */
  #fresh: string[] = [];

  /** The photo on screen, if any. */
  get current(): PhotoView | undefined {
    return this.#photos[this.#index];
  }

  get size(): number {
    return this.#photos.length;
  }

  /** Starts again with these photos, oldest first; the next one shown is the first. */
  reset(photos: PhotoView[]): void {
    this.#photos = [...new Map(photos.map((photo) => [photo.photoId, photo])).values()];
    this.#index = -1;
    this.#fresh = [];
  }

  /** The photo to show now: the oldest one that arrived unseen, else the one after the current. */
  next(): PhotoView | undefined {
    if (this.#photos.length === 0) return undefined;
    const fresh = this.#fresh.shift();
    this.#index = fresh !== undefined ? this.#indexOf(fresh) : (this.#index + 1) % this.#photos.length;
    return this.current;
  }

  previous(): PhotoView | undefined {
    if (this.#photos.length === 0) return undefined;
    this.#index = (Math.max(this.#index, 0) - 1 + this.#photos.length) % this.#photos.length;
    return this.current;
  }

  /** Photos that became ready (the feed may repeat one): at the end of the round, and shown next. */
  arrive(photos: PhotoView[]): void {
    for (const photo of photos) {
      if (this.#indexOf(photo.photoId) !== -1) continue;
      this.#photos.push(photo);
      this.#fresh.push(photo.photoId);
    }
  }

  /** Photos edited since: their caption as it is now. */
  update(photos: PhotoView[]): void {
    for (const photo of photos) {
      const at = this.#indexOf(photo.photoId);
      if (at !== -1) this.#photos[at] = photo;
    }
  }

  /** Deleted photos leave at once; true when the one on screen was among them (show the next now). */
  remove(photoIds: string[]): boolean {
    const gone = new Set(photoIds);
    const wasShown = this.current !== undefined && gone.has(this.current.photoId);
    const goneBefore = this.#photos.slice(0, Math.max(this.#index, 0)).filter((photo) => gone.has(photo.photoId)).length;
    this.#photos = this.#photos.filter((photo) => !gone.has(photo.photoId));
    this.#fresh = this.#fresh.filter((photoId) => !gone.has(photoId));
    // The current photo keeps its place; when it went, next() shows the one that followed it.
    if (this.#index !== -1) this.#index -= goneBefore + (wasShown ? 1 : 0);
    return wasShown;
  }

  #indexOf(photoId: string): number {
    return this.#photos.findIndex((photo) => photo.photoId === photoId);
  }
}

import type { ListPhotosOptions, PhotosClient } from '@event-photos/client';
import type { EventView, PhotoView } from '@event-photos/core';
import { isRetryable } from '@event-photos/client';

/** How often an open gallery asks what changed: an edit, a delete or a close reaches it within this and the API's settle time. */
const POLL_MS = 5_000;
const FEED_PAGE = 50;
/**
 * A feed cursor tells of edits and deletes for 7 days (FEED_CHANGES_KEPT_SECONDS); a tab that was
 * hidden longer than a day starts the gallery again rather than trust an old cursor.
 */
const STALE_MS = 24 * 3600 * 1000;

export interface FeedHandlers {
  signal: AbortSignal;
  /** Photos that became ready, oldest first. */
  onPhotos(photos: PhotoView[]): void;
  /** Photos edited since, as they are now (one may come twice). */
  onChanged(photos: PhotoView[]): void;
  /** Ids of photos deleted since (one may come twice). */
  onRemoved(photoIds: string[]): void;
  /** The event as it is now (renamed, closed or opened again). */
  onEvent(event: EventView): void;
  /** The cursor is too old to trust: start again from a first page. */
  onStale(): void;
  onError(error: unknown): void;
}

/**
 * What became ready, was edited or deleted, and the event itself, from the API's feed (`since` =
 * the last feedCursor), with the list's own filter (`q`, `uploader`). A full page means more is
 * waiting: asked for again at once. Paused while the tab is hidden, stopped by the signal
 * (leaving the event, or a new filter). A network or server error waits for the next round; any
 * other error stops it and is reported.
 */
export async function followFeed(
  client: PhotosClient,
  feedCursor: string,
  filter: Pick<ListPhotosOptions, 'q' | 'uploader'>,
  handlers: FeedHandlers,
): Promise<void> {
  const { signal } = handlers;
  let cursor = feedCursor;
  let answeredAt = Date.now();
  while (!signal.aborted) {
    let full = false;
    if (document.visibilityState === 'visible') {
      if (Date.now() - answeredAt > STALE_MS) return handlers.onStale();
      try {
        const page = await client.listPhotos({ ...filter, since: cursor, limit: FEED_PAGE, signal });
        if (signal.aborted) return;
        answeredAt = Date.now();
        if (page.items.length > 0) handlers.onPhotos(page.items);
        if (page.changed?.length) handlers.onChanged(page.changed);
        if (page.removed?.length) handlers.onRemoved(page.removed);
        if (page.event) handlers.onEvent(page.event);
        cursor = page.feedCursor ?? cursor;
        full = page.items.length === FEED_PAGE;
      } catch (error) {
        if (signal.aborted) return;
        if (!isRetryable(error)) return handlers.onError(error);
      }
    }
    if (!full) await nextRound(signal);
  }
}

/** POLL_MS, or less: a tab shown again asks at once, and leaving stops the wait. */
function nextRound(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const shown = () => document.visibilityState === 'visible' && done();
    const timer = setTimeout(done, POLL_MS);
    document.addEventListener('visibilitychange', shown);
    signal.addEventListener('abort', done);
  });
}

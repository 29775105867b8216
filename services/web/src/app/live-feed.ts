import type { PhotosClient } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import { isRetryable } from '@event-photos/client';

/** How often an open gallery asks for new photos. */
const POLL_MS = 5_000;
const FEED_PAGE = 50;

/**
 * New photos as they become ready, from the API's feed (`since` = the last feedCursor), oldest
 * first. A full page means more is waiting: asked for again at once. Paused while the tab is
 * hidden, stopped by the signal (leaving the event). A network or server error waits for the next
 * round; any other error stops it and is reported.
 */
export async function followFeed(
  client: PhotosClient,
  feedCursor: string,
  { signal, onPhotos, onError }: { signal: AbortSignal; onPhotos(photos: PhotoView[]): void; onError(error: unknown): void },
): Promise<void> {
  let cursor = feedCursor;
  while (!signal.aborted) {
    let full = false;
    if (document.visibilityState === 'visible') {
      try {
        const page = await client.listPhotos({ since: cursor, limit: FEED_PAGE, signal });
        if (page.items.length > 0) onPhotos(page.items);
        cursor = page.feedCursor ?? cursor;
        full = page.items.length === FEED_PAGE;
      } catch (error) {
        if (signal.aborted) return;
        if (!isRetryable(error)) return onError(error);
      }
    }
    if (!full) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

import type { WebConfig } from '#lib/config';
import type { Session } from '#lib/app/session';

/** What every signed-in screen gets. `signal` aborts when the screen is left: its requests, uploads and polling stop with it. */
export interface ScreenContext {
  config: WebConfig;
  session: Session;
  signal: AbortSignal;
  /** Goes to another screen of the app (history entry, no reload). */
  navigate(url: string): void;
  /** Draws the screen the address calls for anew (after it changed without a history entry). */
  redraw(): void;
  /** A 401 that a fresh token did not cure sends the user back to sign-in. */
  onError(error: unknown): void;
}

/** The app's URL of an event's page. */
export function eventUrl(eventId: string): string {
  const url = new URL(location.href);
  url.search = `?event=${encodeURIComponent(eventId)}`;
  url.hash = '';
  return url.href;
}

/** The app's URL of an event's slideshow (a TV can keep it: it reopens the slideshow after a reload). */
export function slideshowUrl(eventId: string): string {
  const url = new URL(eventUrl(eventId));
  url.searchParams.set('view', 'slideshow');
  return url.href;
}

import { createEventsClient, createPhotosClient, plainErrorMessage } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import { byId, fill, say, showTemplate } from '#lib/app/dom';
import { localized } from '#lib/app/i18n';
import { followFeed } from '#lib/app/live-feed';
import { showPhotoImage } from '#lib/app/photo-image';
import { type ScreenContext, eventUrl } from '#lib/app/screen-context';
import { SlideOrder } from '#lib/app/slide-order';

const TEXT = localized({
  title: 'Slideshow · {name} · Event Photos',
  waiting: 'Waiting for the first photo. New photos appear here as guests add them.',
  loading: 'Loading the photos…',
  caption: '{title} · by {uploader}',
  paused: 'Paused',
  subject: 'The slideshow',
});

/** How long each photo stays, and how long the controls stay after the pointer or a key last moved. */
const SHOW_MS = 7_000;
const CONTROLS_MS = 3_000;
/** At most this many photos are loaded at the start; later ones come from the feed. */
const MAX_LOADED = 2_000;

/**
 * The event as a full-screen slideshow for a projector or a TV: every photo in turn, a photo that
 * just arrived next, deletes and edits followed (the gallery's feed), the screen kept awake. Keys:
 * → and ← step, space pauses, F full screen, Escape back to the event. Its address
 * (`?event=…&view=slideshow`) reopens it after a reload; the session refreshes itself, so it runs
 * all day without anyone signing in again.
 */
export function showSlideshow(screen: HTMLElement, eventId: string, context: ScreenContext): void {
  const { config, session, signal } = context;
  showTemplate(screen, 'slideshow-template');
  const getToken = (options?: { refresh?: boolean }) => session.token(options);
  const photos = createPhotosClient({ apiUrl: config.apiUrl, eventId, getToken });
  const events = createEventsClient({ apiUrl: config.apiUrl, getToken });
  const stage = byId('slideshow', HTMLElement);
  const status = byId('slideshow-status', HTMLElement);
  const caption = byId('slideshow-caption', HTMLElement);
  const images = [byId('slide-a', HTMLImageElement), byId('slide-b', HTMLImageElement)] as const;
  const order = new SlideOrder();
  let front = 0;
  let paused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const exit = () => context.navigate(eventUrl(eventId));
  const showCaption = (photo: PhotoView | undefined) =>
    say(caption, photo ? fill(TEXT.caption, { title: photo.title, uploader: photo.uploaderName }) : '');

  /** Shows the photo once its image is decoded (no blank frame), on the image behind, then swaps. */
  async function show(photo: PhotoView | undefined): Promise<void> {
    clearTimeout(timer);
    if (signal.aborted) return;
    status.hidden = photo !== undefined;
    if (!photo) {
      for (const image of images) image.classList.remove('shown');
      showCaption(undefined);
      say(status, TEXT.waiting);
    } else {
      const back = images[1 - front]!;
      showPhotoImage(back, photo, '100vw');
      await back.decode().catch(() => undefined); // a broken image still advances
      if (signal.aborted || order.current?.photoId !== photo.photoId) return;
      back.classList.add('shown');
      images[front]!.classList.remove('shown');
      front = 1 - front;
      showCaption(photo);
    }
    schedule();
  }

  const schedule = () => {
    clearTimeout(timer);
    if (!paused) timer = setTimeout(() => void show(order.next()), SHOW_MS);
  };
  const togglePause = () => {
    paused = !paused;
    stage.classList.toggle('paused', paused);
    say(byId('slideshow-paused', HTMLElement), paused ? TEXT.paused : '');
    byId('slideshow-pause', HTMLButtonElement).setAttribute('aria-pressed', String(paused));
    schedule();
  };
  const fullScreen = () =>
    document.fullscreenElement ? void document.exitFullscreen() : void stage.requestFullscreen().catch(() => undefined);

  // Controls show while the pointer moves or a key is pressed, then fade, leaving only the photo.
  let idle: ReturnType<typeof setTimeout> | undefined;
  const wake = () => {
    stage.classList.add('awake');
    clearTimeout(idle);
    idle = setTimeout(() => stage.classList.remove('awake'), CONTROLS_MS);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.target instanceof HTMLButtonElement && (event.key === ' ' || event.key === 'Enter')) return;
    const actions: Record<string, () => void> = {
      ArrowRight: () => void show(order.next()),
      ArrowLeft: () => void show(order.previous()),
      ' ': togglePause,
      f: fullScreen,
      F: fullScreen,
      Escape: () => !document.fullscreenElement && exit(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    wake();
    action();
  };
  document.addEventListener('keydown', onKey);
  stage.addEventListener('pointermove', wake);
  byId('slideshow-next', HTMLButtonElement).addEventListener('click', () => void show(order.next()));
  byId('slideshow-previous', HTMLButtonElement).addEventListener('click', () => void show(order.previous()));
  byId('slideshow-pause', HTMLButtonElement).addEventListener('click', togglePause);
  byId('slideshow-fullscreen', HTMLButtonElement).addEventListener('click', fullScreen);
  byId('slideshow-exit', HTMLButtonElement).addEventListener('click', exit);
  keepScreenAwake(signal);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    clearTimeout(idle);
    document.removeEventListener('keydown', onKey);
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  });

  say(status, TEXT.loading);
  void (async () => {
    try {
      const event = await events.getEvent(eventId, { signal });
      document.title = fill(TEXT.title, { name: event.name });
      let feedCursor: string | null = null;
      const loaded: PhotoView[] = [];
      for await (const page of photos.pages({ limit: 100, signal })) {
        feedCursor ??= page.feedCursor;
        loaded.push(...page.items);
        if (loaded.length >= MAX_LOADED) break;
      }
      order.reset(loaded.reverse()); // oldest first: the show walks through the event as it happened
      void show(order.next());
      if (feedCursor)
        await followFeed(
          photos,
          feedCursor,
          {},
          {
            signal,
            onPhotos: (arrived) => {
              const wasEmpty = order.current === undefined;
              order.arrive(arrived);
              if (wasEmpty) void show(order.next());
            },
            onChanged: (changed) => {
              order.update(changed);
              if (changed.some((photo) => photo.photoId === order.current?.photoId)) showCaption(order.current);
            },
            onRemoved: (removed) => {
              if (order.remove(removed)) void show(order.next());
            },
            onEvent: (shown) => (document.title = fill(TEXT.title, { name: shown.name })),
            onStale: () => context.redraw(),
            onError: context.onError,
          },
        );
    } catch (error) {
      if (signal.aborted) return;
      status.hidden = false;
      say(status, plainErrorMessage(error, TEXT.subject));
      context.onError(error);
    }
  })();
}

/** A screen wake lock (where the browser has one), taken again whenever the page is shown again. */
function keepScreenAwake(signal: AbortSignal): void {
  const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
  if (!wakeLock) return;
  let held: { release(): Promise<void> } | undefined;
  const take = () => {
    if (document.visibilityState === 'visible' && !signal.aborted)
      void wakeLock.request('screen').then(
        (lock) => (held = lock),
        () => undefined,
      );
  };
  take();
  document.addEventListener('visibilitychange', take);
  signal.addEventListener('abort', () => {
    document.removeEventListener('visibilitychange', take);
    void held?.release().catch(() => undefined);
  });
}

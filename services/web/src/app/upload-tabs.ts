import type { LiveUpload } from '#lib/app/upload-progress';

/** What the tabs of the app tell each other about the upload queue. */
export type QueueMessage =
  /** The stored queue changed (files added, retried, removed): read it again. */
  | { type: 'changed' }
  /** Stop sending this one (cancelled or removed in another tab). */
  | { type: 'stop'; id: string }
  /** Where an upload is now (from the tab that sends it). */
  | { type: 'progress'; upload: LiveUpload }
  /** A new tab asks the sending tab where everything is. */
  | { type: 'hello' };

/** The app's tabs: one of them leads (sends every upload), all hear each other. */
export interface TabLink {
  /** Calls `onLead` once this tab leads; it leads until it is closed, reloaded or crashes. */
  lead(onLead: () => void): void;
  post(message: QueueMessage): void;
  listen(listener: (message: QueueMessage) => void): void;
}

const NAME = 'event-photos.uploads';

/**
 * Web Locks elect the sending tab: the first to ask holds the lock for its whole life, the others
 * wait in line, and when it goes (closed, reloaded, crashed) the browser releases the lock and the
 * next one takes over, reading the queue from IndexedDB. So two tabs never send the same file.
 * BroadcastChannel carries the progress to the others. A browser without Web Locks lets every tab
 * send (the API still keeps one photo per SHA-256 in an event).
 */
export function browserTabLink(): TabLink {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(NAME) : null;
  return {
    lead(onLead) {
      const locks = (navigator as Navigator & { locks?: LockManager }).locks;
      if (!locks) return onLead();
      void locks.request(NAME, () => {
        onLead();
        return new Promise<never>(() => undefined);
      });
    },
    post(message) {
      channel?.postMessage(message);
    },
    listen(listener) {
      channel?.addEventListener('message', (event: MessageEvent<QueueMessage>) => listener(event.data));
    },
  };
}

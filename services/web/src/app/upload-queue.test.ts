import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type UploadTarget } from '@event-photos/client';
import type { PhotoView } from '@event-photos/core';
import type { LiveUpload } from '#lib/app/upload-progress';
import { UploadQueue } from '#lib/app/upload-queue';
import { MemoryUploadStore, type UploadStore } from '#lib/app/upload-store';
import type { QueueMessage, TabLink } from '#lib/app/upload-tabs';

// The queue in Node: the store in memory, tabs joined by a hub (as Web Locks and BroadcastChannel
// join them in a browser), the API a fake, S3 a stubbed fetch. The same runs for real in
// tests/e2e/src/upload-queue.browser.integration.test.ts.

/** Tabs of one browser: the first to ask leads until it closes; messages reach the others, later. */
function tabHub() {
  const waiting: Array<() => void> = [];
  const listeners = new Map<TabLink, (message: QueueMessage) => void>();
  let leader: TabLink | null = null;
  const posted: QueueMessage[] = [];
  const link = (): TabLink & { close(): void } => {
    const tab: TabLink & { close(): void } = {
      lead(onLead) {
        const take = () => {
          leader = tab;
          onLead();
        };
        if (leader === null) take();
        else waiting.push(take);
      },
      post(message) {
        posted.push(message);
        const copy = structuredClone(message);
        for (const [other, listener] of listeners) if (other !== tab) setTimeout(() => listener(copy), 0);
      },
      listen(listener) {
        listeners.set(tab, listener);
      },
      close() {
        listeners.delete(tab);
        if (leader === tab) {
          leader = null;
          waiting.shift()?.();
        }
      },
    };
    return tab;
  };
  return { link, posted };
}

const photo = (photoId: string): PhotoView => ({
  photoId,
  eventId: 'e',
  title: photoId,
  description: '',
  contentType: 'image/png',
  size: 4,
  sha256: 'ab'.repeat(32),
  url: `https://cdn.example.test/${photoId}.png`,
  uploaderName: 'attendee',
  mine: true,
  createdAt: '2026-11-02T10:00:00.000Z',
});

function api() {
  let n = 0;
  const target = {
    initiateUpload: vi.fn(async (input: { title: string }) => ({
      photoId: `${input.title}-${++n}`,
      s3PutObjectUrl: `https://s3.example.test/${input.title}`,
      method: 'PUT' as const,
      headers: { 'Content-Type': 'image/png', 'If-None-Match': '*' },
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    })),
    waitForPhoto: vi.fn(async (photoId: string) => photo(photoId)),
    getPhoto: vi.fn(async (photoId: string) => ({ ...photo(photoId), status: 'ready' as const })),
  };
  return target as typeof target & UploadTarget;
}

const file = (name: string, byte = name.charCodeAt(0)) => new File([new Uint8Array([0x89, 0x50, 0x4e, byte])], name, { type: 'image/png' });

/** S3: records each PUT's URL; `answer` decides its response; an aborted request rejects, as fetch does. */
function s3(answer: (url: string) => Promise<Response> | Response = () => new Response(null, { status: 200 })) {
  const puts: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, { signal }: RequestInit = {}) => {
      puts.push(url);
      const aborted = new Promise<never>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted', 'AbortError')), { once: true });
      });
      return Promise.race([answer(url), aborted]);
    }),
  );
  return puts;
}

function queueOf(store: UploadStore, tabs: TabLink, target: UploadTarget, { maxFiles = 4 } = {}) {
  return new UploadQueue({
    store,
    tabs,
    owner: () => 'a@example.com',
    maxFiles,
    clientFor: () => target,
    backoff: { firstDelayMs: 1, maxDelayMs: 5, forMs: 50 },
    newId: (() => {
      let n = 0;
      return () => `id-${Math.random().toString(36).slice(2)}-${n++}`;
    })(),
  });
}

const states = (queue: UploadQueue) => queue.uploads('e').map((upload) => `${upload.name}:${upload.state}`);
const settled = (queue: UploadQueue, count: number) =>
  vi.waitFor(
    () => {
      const uploads = queue.uploads('e');
      expect(
        uploads.length === count && uploads.every((upload) => ['done', 'duplicate', 'failed', 'cancelled'].includes(upload.state)),
      ).toBe(true);
    },
    { timeout: 3000 },
  );

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('UploadQueue', () => {
  it('stores each picked file, sends them in pick order, and forgets each once its photo is ready', async () => {
    const puts = s3();
    const store = new MemoryUploadStore();
    const target = api();
    // One PUT at a time: the pacer widens only on what it measures, and two PUTs in flight may
    // start in either order (CI, under load, once saw three before two).
    const queue = queueOf(store, tabHub().link(), target, { maxFiles: 1 });
    const seen: LiveUpload[] = [];
    queue.subscribe((upload) => seen.push(upload));
    await queue.add('e', [file('one.png'), file('two.png'), file('three.png'), new File(['text'], 'notes.txt', { type: 'text/plain' })]);
    await settled(queue, 4);
    expect(states(queue)).toEqual(['one.png:done', 'two.png:done', 'three.png:done', 'notes.txt:failed']);
    expect(puts).toEqual(['https://s3.example.test/one', 'https://s3.example.test/two', 'https://s3.example.test/three']);
    expect(await store.all('a@example.com')).toEqual([]);
    // The refused file was never stored, and Retry would not help.
    expect(queue.uploads('e').at(-1)).toMatchObject({ retryable: false, message: expect.stringContaining('notes.txt is not a photo') });
    expect(seen.find((upload) => upload.name === 'one.png' && upload.state === 'done')?.photo?.photoId).toBe('one-1');
  });

  it('picks up after a reload where the last run stopped: a file whose bytes were sent is only asked for', async () => {
    // The first tab's PUTs never get an answer: it is closed (reloaded) while they run.
    let reloaded = false;
    const puts = s3(async (url) => {
      if (!reloaded) await new Promise(() => undefined);
      return new Response(null, { status: 200, headers: { 'x-url': url } });
    });
    const store = new MemoryUploadStore();
    const target = api();
    const hub = tabHub();
    const first = hub.link();
    const before = queueOf(store, first, target);
    await before.add('e', [file('a.png'), file('b.png')]);
    await vi.waitFor(() => expect(states(before)).toEqual(['a.png:uploading', 'b.png:queued']));
    expect(target.initiateUpload).toHaveBeenCalledTimes(1); // b waits for the uplink, unsigned
    first.close();
    reloaded = true;
    // Say storage had a's bytes by then (its answer was what got lost).
    const [a] = await store.all('a@example.com');
    expect(a!.job).toMatchObject({ putStarted: true, upload: { photoId: 'a-1' } });
    await store.update(a!.id, { job: { ...a!.job, sent: true } });

    // The reloaded tab leads now, and resumes from the store.
    const after = queueOf(store, hub.link(), target);
    await settled(after, 2);
    expect(states(after)).toEqual(['a.png:done', 'b.png:done']);
    expect(target.waitForPhoto).toHaveBeenCalledWith('a-1', expect.anything());
    expect(target.initiateUpload.mock.calls.map(([input]) => input.title)).toEqual(['a', 'b']);
    expect(puts).toEqual(['https://s3.example.test/a', 'https://s3.example.test/b']);
    expect(await store.all('a@example.com')).toEqual([]);
  });

  it('lets one tab send: files picked in another are handed over through the store, each sent once', async () => {
    const puts = s3();
    const store = new MemoryUploadStore();
    const target = api();
    const hub = tabHub();
    const leader = queueOf(store, hub.link(), target);
    const other = queueOf(store, hub.link(), target);
    expect([leader.leader, other.leader]).toEqual([true, false]);
    await other.add('e', [file('x.png'), file('y.png')]);
    await settled(other, 2);
    await settled(leader, 2);
    expect(states(other)).toEqual(['x.png:done', 'y.png:done']);
    expect(puts.sort()).toEqual(['https://s3.example.test/x', 'https://s3.example.test/y']);
    expect(target.initiateUpload).toHaveBeenCalledTimes(2);
  });

  it('takes the queue over when the sending tab goes, from where it left each file (not from what this tab picked)', async () => {
    let leaderGone = false;
    const puts = s3(async (url) => {
      // The leader's second PUT never answers: it is closed while it runs.
      if (!leaderGone && url.endsWith('/m')) await new Promise(() => undefined);
      return new Response(null, { status: 200 });
    });
    const store = new MemoryUploadStore();
    const target = api();
    const hub = tabHub();
    const leaderTab = hub.link();
    const leader = queueOf(store, leaderTab, target);
    const picker = queueOf(store, hub.link(), target);
    await picker.add('e', [file('l.png'), file('m.png'), file('n.png')]);
    await vi.waitFor(() => expect(states(leader)).toEqual(['l.png:done', 'm.png:uploading', 'n.png:done']));
    leaderTab.close();
    leaderGone = true;
    await vi.waitFor(() => expect(picker.leader).toBe(true));
    await settled(picker, 3);
    expect(states(picker)).toEqual(['l.png:done', 'm.png:done', 'n.png:done']);
    // l and n were not sent again; m went to the same signed URL again.
    expect(puts.sort()).toEqual([
      'https://s3.example.test/l',
      'https://s3.example.test/m',
      'https://s3.example.test/m',
      'https://s3.example.test/n',
    ]);
    expect(target.initiateUpload.mock.calls.map(([input]) => input.title)).toEqual(['l', 'm', 'n']);
  });

  it('waits for a sign-in when the API refuses the session, and goes on after it', async () => {
    s3();
    const store = new MemoryUploadStore();
    const target = api();
    let refuse = true;
    const initiate = target.initiateUpload.getMockImplementation()!;
    target.initiateUpload.mockImplementation(async (input) => {
      if (refuse) throw new ApiError(401, 'SessionExpired', 'Your session has expired. Please sign in again.');
      return initiate(input);
    });
    const queue = queueOf(store, tabHub().link(), target);
    const needed = vi.fn();
    queue.onSignInNeeded(needed);
    await queue.add('e', [file('p.png')]);
    await vi.waitFor(() => expect(needed).toHaveBeenCalledTimes(1));
    expect(queue.uploads('e').map((upload) => [upload.state, upload.waitingForSignIn])).toEqual([['queued', true]]);
    // Nothing more starts until then.
    await queue.add('e', [file('q.png')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(target.initiateUpload).toHaveBeenCalledTimes(1);
    expect((await store.all('a@example.com')).map((stored) => stored.status)).toEqual(['queued', 'queued']);
    refuse = false;
    queue.sessionChanged(); // the same person signed in again
    await settled(queue, 2);
    expect(states(queue)).toEqual(['p.png:done', 'q.png:done']);
  });

  it('cancels, retries and removes; a cancelled file stays stored until then', async () => {
    let hold = true;
    s3(async () => {
      while (hold) await new Promise((resolve) => setTimeout(resolve, 5));
      return new Response(null, { status: 200 });
    });
    const store = new MemoryUploadStore();
    const queue = queueOf(store, tabHub().link(), api());
    await queue.add('e', [file('slow.png'), file('gone.png')]);
    await vi.waitFor(() => expect(states(queue)[0]).toBe('slow.png:uploading'));
    await queue.cancelAll('e');
    expect(states(queue)).toEqual(['slow.png:cancelled', 'gone.png:cancelled']);
    expect((await store.all('a@example.com')).map((stored) => stored.status)).toEqual(['cancelled', 'cancelled']);
    hold = false;
    const [slow, gone] = queue.uploads('e');
    await queue.remove(gone!.id);
    await queue.retry(slow!.id);
    await settled(queue, 1);
    expect(states(queue)).toEqual(['slow.png:done']);
    expect(await store.all('a@example.com')).toEqual([]);
  });

  it('cancels all at once: none of those waiting starts while the running one stops', async () => {
    const puts = s3(async (url) => {
      if (url.endsWith('/w')) await new Promise((resolve) => setTimeout(resolve, 50));
      return new Response(null, { status: 200 });
    });
    // IndexedDB takes its time: a run that stops meanwhile must not start the next one.
    class SlowStore extends MemoryUploadStore {
      override async update(...args: Parameters<MemoryUploadStore['update']>) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return super.update(...args);
      }
    }
    const queue = queueOf(new SlowStore(), tabHub().link(), api(), { maxFiles: 1 });
    await queue.add('e', [file('w.png'), file('x.png'), file('y.png'), file('z.png')]);
    await vi.waitFor(() => expect(states(queue)[0]).toBe('w.png:uploading'));
    await queue.cancelAll('e');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(states(queue)).toEqual(['w.png:cancelled', 'x.png:cancelled', 'y.png:cancelled', 'z.png:cancelled']);
    expect(puts).toEqual(['https://s3.example.test/w']);
    await queue.retryAll('e');
    await settled(queue, 4);
    expect(states(queue)).toEqual(['w.png:done', 'x.png:done', 'y.png:done', 'z.png:done']);
  });

  it('gives up on a dead service after its backoff, keeps the file, and tries again when back online', async () => {
    let up = false;
    s3(() => (up ? new Response(null, { status: 200 }) : new Response('<Error><Code>ServiceUnavailable</Code></Error>', { status: 503 })));
    const store = new MemoryUploadStore();
    const queue = queueOf(store, tabHub().link(), api());
    await queue.add('e', [file('late.png')]);
    await settled(queue, 1);
    expect(queue.uploads('e')[0]).toMatchObject({ state: 'failed', retryable: true });
    expect((await store.all('a@example.com'))[0]).toMatchObject({ status: 'failed' });
    up = true;
    queue.online();
    await vi.waitFor(() => expect(states(queue)).toEqual(['late.png:done']));
  });
});

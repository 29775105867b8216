import {
  ApiError,
  type Backoff,
  isOffline,
  isRetryable,
  type PhotoFile,
  type PhotoUploadProgress,
  sendPhoto,
  titleFromFileName,
  UplinkPacer,
  type UploadJob,
  type UploadTarget,
  uploadProblem,
} from '@event-photos/client';
import { isFinished, type LiveUpload } from '#lib/app/upload-progress';
import type { StoredUpload, UploadStore } from '#lib/app/upload-store';
import type { QueueMessage, TabLink } from '#lib/app/upload-tabs';

export interface UploadQueueOptions {
  store: UploadStore;
  tabs: TabLink;
  /** Who is signed in (their e-mail), or null: only their files are sent, and only while signed in. */
  owner(): string | null;
  /** The photos client of an event. */
  clientFor(eventId: string): UploadTarget;
  /** A small image of a file (a data: URL), made in the tab that picked it. */
  thumbnail?(file: Blob): Promise<string | undefined>;
  /** Files on their way at once (hashing, sending, being processed); their PUTs are paced to the uplink. */
  maxFiles?: number;
  backoff?: Backoff;
  processingTimeoutMs?: number;
  newId?(): string;
}

/** Failures on the network, 5xx and throttling are retried for at least this long (waiting offline not counted). */
export const RETRY_BACKOFF: Backoff = { firstDelayMs: 1000, maxDelayMs: 30_000, forMs: 10 * 60_000 };
const MAX_FILES = 4;
/** Processing takes a second or two; a photo not ready after this stays queued and is asked for again after a reload. */
const PROCESSING_TIMEOUT_MS = 10 * 60_000;
/** Progress reaches the other tabs at most this often per upload (state changes at once). */
const PROGRESS_EVERY_MS = 250;

type Listener = (upload: LiveUpload) => void;

/**
 * The durable upload queue: every picked file is stored (IndexedDB, the File itself) with how far
 * it got, until its photo is ready. One tab, the leader (upload-tabs.ts), sends; the others show
 * what it reports and hand it their files through the store. A reload, a crash or a new tab picks
 * up where the last run stopped (sendPhoto resumes the stored job). Offline it waits for `online`;
 * other failures are retried for ten minutes and more, then wait for a Retry, a reload or `online`.
 * A session that ends pauses it until the same person signs in again.
 */
export class UploadQueue {
  readonly pacer: UplinkPacer;
  readonly #options: UploadQueueOptions;
  readonly #live = new Map<string, LiveUpload>();
  /** The files this tab may send: all the owner's when it leads, else only those the store could not keep. */
  readonly #records = new Map<string, StoredUpload>();
  readonly #memoryOnly = new Set<string>();
  /** Sent but not processed in time: kept in the store (asked for again after a reload), not sent again now. */
  readonly #parked = new Set<string>();
  readonly #running = new Map<string, { controller: AbortController; why?: 'cancel' | 'pause' }>();
  readonly #listeners = new Set<Listener>();
  readonly #lastPosted = new Map<string, { at: number; state: string }>();
  #leader = false;
  #owner: string | null;
  /** The API refused the session (401 that a fresh token did not cure): nothing starts until a sign-in. */
  #signInNeeded = false;
  readonly #signInListeners = new Set<(error: unknown) => void>();
  #order = 0;

  constructor(options: UploadQueueOptions) {
    this.#options = options;
    this.#owner = options.owner();
    this.pacer = new UplinkPacer({ maxConcurrency: options.maxFiles ?? MAX_FILES });
    options.tabs.listen((message) => void this.#heard(message));
    options.tabs.lead(() => {
      this.#leader = true;
      void this.#load().then(() => this.#pump());
    });
    void this.#syncFromStore().then(() => options.tabs.post({ type: 'hello' }));
  }

  get leader(): boolean {
    return this.#leader;
  }

  /** Called with every upload that changes, in any tab. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called when the API refuses the session: the app asks the user to sign in again. */
  onSignInNeeded(listener: (error: unknown) => void): () => void {
    this.#signInListeners.add(listener);
    return () => this.#signInListeners.delete(listener);
  }

  /** The uploads of an event, in pick order. */
  uploads(eventId: string): LiveUpload[] {
    return [...this.#live.values()].filter((upload) => upload.eventId === eventId).sort((a, b) => a.order - b.order);
  }

  /** Whether leaving this tab would stop uploads (this tab sends and has some on their way). */
  get sendingHere(): boolean {
    return this.pendingHere > 0;
  }

  /** Uploads this tab sends that are not finished. */
  get pendingHere(): number {
    let count = 0;
    for (const record of this.#records.values()) {
      if (record.status === 'queued' && !this.#parked.has(record.id) && (this.#leader || this.#memoryOnly.has(record.id))) count++;
    }
    return count;
  }

  /** Adds picked files: a file the checks refuse gets a row saying why and is never stored or sent. */
  async add(eventId: string, files: readonly PhotoFile[]): Promise<void> {
    const owner = this.#owner;
    if (!owner) return;
    const added: StoredUpload[] = [];
    for (const file of files) {
      const name = file.name || 'Photo';
      const order = Date.now() * 1000 + (this.#order++ % 1000);
      const id = this.#options.newId?.() ?? crypto.randomUUID();
      const title = titleFromFileName(file.name);
      const problem = uploadProblem(file, { title });
      if (problem) {
        this.#show({
          id,
          eventId,
          name,
          size: file.size,
          order,
          state: 'failed',
          loaded: 0,
          percent: 0,
          message: problem,
          retryable: false,
        });
        continue;
      }
      const record: StoredUpload = { id, owner, eventId, file, name, title, order, job: {}, status: 'queued', addedAt: Date.now() };
      try {
        await this.#options.store.put(record);
      } catch {
        // Storage full or refused: this tab sends it itself, for as long as it lives.
        this.#memoryOnly.add(id);
      }
      this.#records.set(id, record);
      this.#show(liveOf(record));
      added.push(record);
      // Each file starts as soon as it is stored: the first need not wait for the last to be copied.
      this.#options.tabs.post({ type: 'changed' });
      this.#pump();
    }
    await this.#makeThumbnails(added);
  }

  /** Stops an upload; it stays listed (and stored) with Retry until removed. */
  async cancel(id: string): Promise<void> {
    // At once, before any await: nothing may start it in between.
    const record = this.#records.get(id);
    if (record) record.status = 'cancelled';
    this.#stop(id, 'cancel');
    this.#patch(id, { state: 'cancelled', message: undefined, retryAt: undefined, waitingForSignIn: undefined }, true);
    await this.#options.store.update(id, { status: 'cancelled', message: undefined });
    this.#options.tabs.post({ type: 'stop', id });
  }

  async retry(id: string): Promise<void> {
    const upload = this.#live.get(id);
    if (!upload?.retryable || !(upload.state === 'failed' || upload.state === 'cancelled')) return;
    await this.#options.store.update(id, { status: 'queued', message: undefined });
    const record = this.#records.get(id);
    if (record) record.status = 'queued';
    this.#patch(id, { state: 'queued', message: undefined, retryAt: undefined, loaded: 0, percent: 0 }, true);
    this.#options.tabs.post({ type: 'changed' });
    this.#pump();
  }

  /** Forgets a stopped upload (and its stored file). */
  async remove(id: string): Promise<void> {
    this.#stop(id, 'cancel');
    this.#records.delete(id);
    this.#memoryOnly.delete(id);
    await this.#options.store.delete(id);
    this.#options.tabs.post({ type: 'stop', id });
    this.#options.tabs.post({ type: 'changed' });
    const upload = this.#live.get(id);
    this.#live.delete(id);
    if (upload) for (const listener of this.#listeners) listener({ ...upload, state: 'cancelled', retryable: false });
  }

  async cancelAll(eventId: string): Promise<void> {
    const running = this.uploads(eventId).filter((upload) => !isFinished(upload));
    await Promise.all(running.map((upload) => this.cancel(upload.id)));
  }

  async retryAll(eventId: string): Promise<void> {
    await Promise.all(this.uploads(eventId).map((upload) => this.retry(upload.id)));
  }

  /** The browser is back online: start again from one PUT at a time, and retry what gave up. */
  online(): void {
    this.pacer.reset();
    for (const record of this.#records.values()) {
      if (record.status === 'failed' && this.#live.get(record.id)?.retryable) void this.retry(record.id);
    }
    this.#pump();
  }

  /** Signed in, out, or as someone else: another owner's files stop here; the owner's resume. */
  sessionChanged(): void {
    const owner = this.#options.owner();
    if (owner === this.#owner) {
      if (owner) this.#resume();
      return;
    }
    for (const id of this.#running.keys()) this.#stop(id, 'pause');
    this.#records.clear();
    this.#memoryOnly.clear();
    this.#parked.clear();
    this.#live.clear();
    this.#owner = owner;
    this.#signInNeeded = false;
    if (owner) void this.#load().then(() => this.#pump());
  }

  #resume(): void {
    this.#signInNeeded = false;
    for (const upload of this.#live.values()) if (upload.waitingForSignIn) this.#patch(upload.id, { waitingForSignIn: undefined }, true);
    void this.#load().then(() => this.#pump());
  }

  async #heard(message: QueueMessage): Promise<void> {
    switch (message.type) {
      case 'progress': {
        const { upload } = message;
        // Only uploads of whoever is signed in here (another tab may still send as someone signed out).
        if (this.#records.has(upload.id) && this.#running.has(upload.id)) return;
        if (this.#owner === null) return;
        this.#show(upload);
        return;
      }
      case 'stop':
        if (this.#running.has(message.id)) this.#stop(message.id, 'cancel');
        await this.#syncRecord(message.id);
        return;
      case 'changed':
        if (this.#leader) await this.#load();
        await this.#syncFromStore();
        this.#pump();
        return;
      case 'hello':
        if (!this.#leader) return;
        for (const upload of this.#live.values()) this.#options.tabs.post({ type: 'progress', upload });
        return;
    }
  }

  /** A record another tab changed or removed: what this tab holds follows. */
  async #syncRecord(id: string): Promise<void> {
    const stored = await this.#options.store.get(id);
    if (!stored) {
      this.#records.delete(id);
      const upload = this.#live.get(id);
      if (upload && !isFinished(upload)) this.#patch(id, { state: 'cancelled', retryable: false }, false);
      return;
    }
    const record = this.#records.get(id);
    if (record) record.status = stored.status;
    if (stored.status === 'cancelled') this.#patch(id, { state: 'cancelled', message: undefined, retryAt: undefined }, false);
  }

  /** Rows for the stored uploads this tab does not show yet (picked in another tab, or before a reload). */
  async #syncFromStore(): Promise<void> {
    if (!this.#owner) return;
    for (const record of await this.#options.store.all(this.#owner).catch(() => [])) {
      const shown = this.#live.get(record.id);
      if (!shown) this.#show(liveOf(record));
      else if (shown.thumbnail === undefined && record.thumbnail) this.#patch(record.id, { thumbnail: record.thumbnail }, false);
    }
  }

  /** The leader reads every stored upload of the owner: what a run before it left unfinished goes on. */
  async #load(): Promise<void> {
    const owner = this.#owner;
    if (!owner || !this.#leader) return;
    const stored = await this.#options.store.all(owner).catch(() => []);
    const ids = new Set(stored.map((record) => record.id));
    for (const record of stored) {
      const held = this.#records.get(record.id);
      if (held && this.#running.has(record.id)) {
        held.status = record.status;
        held.thumbnail ??= record.thumbnail;
        continue;
      }
      // What the store holds is the truth: another tab (the last leader) moved it on.
      if (held && record.status === held.status && JSON.stringify(record.job) === JSON.stringify(held.job)) continue;
      // Given up on the last time (the network, the service): a new run tries again.
      if (record.status === 'failed') record.status = 'queued';
      this.#records.set(record.id, record);
      this.#show(liveOf(record));
      this.#patch(record.id, {}, true);
    }
    for (const id of [...this.#records.keys()])
      if (!ids.has(id) && !this.#memoryOnly.has(id) && !this.#running.has(id)) this.#records.delete(id);
  }

  /** Starts queued uploads, in pick order, up to maxFiles at once. */
  #pump(): void {
    if (!this.#owner || this.#signInNeeded || isOffline()) return;
    const waiting = [...this.#records.values()]
      .filter((record) => record.status === 'queued' && !this.#running.has(record.id) && !this.#parked.has(record.id))
      .filter((record) => this.#leader || this.#memoryOnly.has(record.id))
      .sort((a, b) => a.order - b.order);
    const max = this.#options.maxFiles ?? MAX_FILES;
    for (const record of waiting) {
      if (this.#running.size >= max) return;
      this.#start(record);
    }
  }

  #start(record: StoredUpload): void {
    const controller = new AbortController();
    const run: { controller: AbortController; why?: 'cancel' | 'pause' } = { controller };
    this.#running.set(record.id, run);
    const job: UploadJob = { ...record.job };
    this.#patch(record.id, { state: 'queued', message: undefined, retryAt: undefined }, true);
    let current: PhotoUploadProgress = {
      index: 0,
      file: record.file,
      state: 'queued',
      loaded: 0,
      total: record.file.size,
      percent: 0,
      attempt: 1,
    };
    void sendPhoto(this.#options.clientFor(record.eventId), record.file, job, {
      title: record.title,
      signal: controller.signal,
      retry: { backoff: this.#options.backoff ?? RETRY_BACKOFF },
      pacer: this.pacer,
      processingTimeoutMs: this.#options.processingTimeoutMs ?? PROCESSING_TIMEOUT_MS,
      onProgress: (change) => {
        current = { ...current, ...change };
        this.#patch(record.id, progressChange(change), false);
        return current;
      },
      onSaved: async (saved) => {
        record.job = saved;
        await this.#options.store.update(record.id, { job: saved }).catch(() => undefined);
      },
    }).then((result) => this.#finished(record, result, run.why));
  }

  async #finished(record: StoredUpload, result: PhotoUploadProgress, stopped: 'cancel' | 'pause' | undefined): Promise<void> {
    this.#running.delete(record.id);
    const { state, error, message, photo } = result;
    const store = this.#options.store;
    if (state === 'done' || state === 'duplicate') {
      // Sent, but not processed in time: kept, and asked for again after a reload.
      if (state === 'done' && !photo) this.#parked.add(record.id);
      else {
        this.#records.delete(record.id);
        this.#memoryOnly.delete(record.id);
        await store.delete(record.id).catch(() => undefined);
      }
      this.#patch(record.id, { state, photo, message, retryAt: undefined, percent: 100, loaded: record.file.size }, true);
    } else if (stopped === 'pause' || (error instanceof ApiError && error.status === 401)) {
      // Signed out, or the session ended: resumes when the owner signs in again.
      const refused = stopped !== 'pause';
      this.#patch(record.id, { state: 'queued', waitingForSignIn: refused, message: undefined, retryAt: undefined }, true);
      if (refused && !this.#signInNeeded) {
        this.#signInNeeded = true;
        for (const listener of this.#signInListeners) listener(error);
      }
    } else if (state === 'cancelled') {
      // Retried already (a Retry right after Cancel): it starts again below.
      if (record.status === 'cancelled') this.#patch(record.id, { state: 'cancelled', message: undefined, retryAt: undefined }, true);
    } else {
      // Retried for ten minutes or more (network, 5xx, throttling): tried again after `online`, a
      // reload or Retry. Refused by the API: only Retry.
      const retryable = error !== undefined;
      record.status = isRetryable(error) ? 'failed' : 'refused';
      await store.update(record.id, { status: record.status, message }).catch(() => undefined);
      this.#patch(record.id, { state: 'failed', message, retryAt: undefined, retryable }, true);
    }
    this.#pump();
  }

  #stop(id: string, why: 'cancel' | 'pause'): void {
    const run = this.#running.get(id);
    if (!run) return;
    run.why = why;
    run.controller.abort(new DOMException(why === 'cancel' ? 'Cancelled' : 'Paused', 'AbortError'));
  }

  async #makeThumbnails(records: StoredUpload[]): Promise<void> {
    const make = this.#options.thumbnail;
    if (!make) return;
    for (const record of records) {
      const thumbnail = await make(record.file).catch(() => undefined);
      if (!thumbnail) continue;
      record.thumbnail = thumbnail;
      await this.#options.store.update(record.id, { thumbnail }).catch(() => undefined);
      this.#patch(record.id, { thumbnail }, true);
    }
  }

  #show(upload: LiveUpload): void {
    this.#live.set(upload.id, upload);
    for (const listener of this.#listeners) listener(upload);
  }

  /** Changes an upload's row here and, when this tab sends it, in the others (`now`: at once, else at most every 250 ms). */
  #patch(id: string, change: Partial<LiveUpload>, now: boolean): LiveUpload {
    const upload = { ...this.#live.get(id)!, ...change };
    this.#show(upload);
    if (this.#records.has(id) && !this.#memoryOnly.has(id)) {
      const last = this.#lastPosted.get(id);
      const at = Date.now();
      if (now || !last || last.state !== upload.state || at - last.at >= PROGRESS_EVERY_MS) {
        this.#lastPosted.set(id, { at, state: upload.state });
        this.#options.tabs.post({ type: 'progress', upload });
      }
    }
    return upload;
  }
}

function liveOf(record: StoredUpload): LiveUpload {
  const state = record.status === 'refused' ? 'failed' : record.status;
  return {
    id: record.id,
    eventId: record.eventId,
    name: record.name,
    size: record.file.size,
    order: record.order,
    thumbnail: record.thumbnail,
    state,
    loaded: record.job.sent ? record.file.size : 0,
    percent: record.job.sent ? 100 : 0,
    message: record.message,
    retryable: true,
  };
}

/** What sendPhoto reports, as a row shows it. */
function progressChange(change: Partial<PhotoUploadProgress>): Partial<LiveUpload> {
  const { state, loaded, percent, message, retryAt, photo } = change;
  const row: Partial<LiveUpload> = {};
  if (state !== undefined) row.state = state;
  if (loaded !== undefined) row.loaded = loaded;
  if (percent !== undefined) row.percent = percent;
  if ('message' in change) row.message = message;
  if ('retryAt' in change) row.retryAt = retryAt;
  if (photo !== undefined) row.photo = photo;
  if ('error' in change) row.errorCode = change.error instanceof ApiError ? change.error.code : undefined;
  return row;
}

import type { UploadJob } from '@event-photos/client';

/** One picked file, kept until its photo is ready (or it is removed). */
export interface StoredUpload {
  id: string;
  /** Who picked it (their e-mail): only their session sends it. */
  owner: string;
  eventId: string;
  /** The File itself (IndexedDB keeps the bytes, so a reload or a crash loses nothing). */
  file: Blob;
  name: string;
  title: string;
  /** Pick order: files go in the order they were picked. */
  order: number;
  /** A small image of it (a data: URL), when the browser could decode it. */
  thumbnail?: string | undefined;
  /** How far it got: hash, signed URL, PUT begun, bytes sent. */
  job: UploadJob;
  /**
   * queued: to send (again); failed: gave up for now on the network or the service (tried again
   * after a reload, `online` or Retry); refused by the API, or cancelled: only Retry sends it again.
   */
  status: 'queued' | 'failed' | 'refused' | 'cancelled';
  message?: string | undefined;
  addedAt: number;
}

export interface UploadStore {
  /** False when the browser keeps nothing (no IndexedDB): uploads then last as long as the tab. */
  readonly durable: boolean;
  all(owner: string): Promise<StoredUpload[]>;
  get(id: string): Promise<StoredUpload | undefined>;
  put(upload: StoredUpload): Promise<void>;
  /** Changes some fields of a stored upload (nothing when it is gone). */
  update(id: string, change: Partial<Omit<StoredUpload, 'id'>>): Promise<void>;
  delete(id: string): Promise<void>;
}

const DB_NAME = 'event-photos-uploads';
const STORE = 'uploads';
/** Files nobody came back for are dropped after this long (a shared computer should not keep them for ever). */
const KEEP_MS = 14 * 24 * 3600_000;

/** IndexedDB when the browser has it, else memory. */
export async function openUploadStore(): Promise<UploadStore> {
  try {
    const db = await openDatabase();
    const store = new IndexedDbUploadStore(db);
    await store.dropOlderThan(Date.now() - KEEP_MS);
    return store;
  } catch {
    return new MemoryUploadStore();
  }
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: 'id' });
      store.createIndex('owner', 'owner');
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app in another tab may need to upgrade: never block it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('IndexedDB is blocked'));
  });
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

class IndexedDbUploadStore implements UploadStore {
  readonly durable = true;
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  async all(owner: string): Promise<StoredUpload[]> {
    const uploads = await done(this.#db.transaction(STORE).objectStore(STORE).index('owner').getAll(owner));
    return (uploads as StoredUpload[]).sort((a, b) => a.order - b.order);
  }

  async get(id: string): Promise<StoredUpload | undefined> {
    return (await done(this.#db.transaction(STORE).objectStore(STORE).get(id))) as StoredUpload | undefined;
  }

  async put(upload: StoredUpload): Promise<void> {
    const transaction = this.#db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).put(upload);
    await committed(transaction);
  }

  async update(id: string, change: Partial<Omit<StoredUpload, 'id'>>): Promise<void> {
    // Read and write in one transaction: another tab's change in between is not lost.
    const transaction = this.#db.transaction(STORE, 'readwrite');
    const store = transaction.objectStore(STORE);
    const request = store.get(id);
    request.onsuccess = () => {
      if (request.result) store.put({ ...(request.result as StoredUpload), ...change });
    };
    await committed(transaction);
  }

  async delete(id: string): Promise<void> {
    const transaction = this.#db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).delete(id);
    await committed(transaction);
  }

  async dropOlderThan(time: number): Promise<void> {
    const transaction = this.#db.transaction(STORE, 'readwrite');
    const request = transaction.objectStore(STORE).openCursor();
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return;
      if ((cursor.value as StoredUpload).addedAt < time) cursor.delete();
      cursor.continue();
    };
    await committed(transaction);
  }
}

/** For browsers without IndexedDB (and the unit tests). */
export class MemoryUploadStore implements UploadStore {
  readonly durable: boolean = false;
  readonly #uploads = new Map<string, StoredUpload>();

  async all(owner: string): Promise<StoredUpload[]> {
    return [...this.#uploads.values()].filter((upload) => upload.owner === owner).sort((a, b) => a.order - b.order);
  }

  async get(id: string): Promise<StoredUpload | undefined> {
    return this.#uploads.get(id);
  }

  async put(upload: StoredUpload): Promise<void> {
    this.#uploads.set(upload.id, { ...upload });
  }

  async update(id: string, change: Partial<Omit<StoredUpload, 'id'>>): Promise<void> {
    const upload = this.#uploads.get(id);
    if (upload) this.#uploads.set(id, { ...upload, ...change });
  }

  async delete(id: string): Promise<void> {
    this.#uploads.delete(id);
  }
}

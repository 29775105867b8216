// In-memory stores for handler tests: the same promises as the adapters (see the contract
// suites in ./contracts), no SDK, no table layout.
import { InMemoryObjectStore } from '#lib/in-memory-object-store';
import { InMemoryPhotoStore } from '#lib/in-memory-photo-store';

export { InMemoryObjectStore, type ObjectToPut } from '#lib/in-memory-object-store';
export { InMemoryPhotoStore } from '#lib/in-memory-photo-store';

export interface FakeStores {
  photos: InMemoryPhotoStore;
  /** The same object as `photos`: it lists what it holds. */
  listing: InMemoryPhotoStore;
  objects: InMemoryObjectStore;
}

/** Fresh, empty stores, in the shape a handler's `createHandler` takes. */
export function fakeStores(): FakeStores {
  const table = new InMemoryPhotoStore();
  return { photos: table, listing: table, objects: new InMemoryObjectStore() };
}

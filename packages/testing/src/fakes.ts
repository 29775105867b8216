// In-memory stores for handler tests: the same promises as the adapters (see the contract
// suites in ./contracts), no SDK, no table layout.
import { InMemoryMembershipStore } from '#lib/in-memory-membership-store';
import { InMemoryObjectStore } from '#lib/in-memory-object-store';
import { InMemoryPhotoStore } from '#lib/in-memory-photo-store';

export { InMemoryMembershipStore } from '#lib/in-memory-membership-store';
export { InMemoryObjectStore, type ObjectToPut } from '#lib/in-memory-object-store';
export { InMemoryPhotoStore } from '#lib/in-memory-photo-store';
export { InMemoryExportStore } from '#lib/in-memory-export-store';
export { InMemoryArchiveWriter, type InMemoryZip } from '#lib/in-memory-archive-writer';
export { RecordingExportQueue } from '#lib/recording-export-queue';
export { RecordingCdnInvalidator } from '#lib/recording-cdn-invalidator';

export interface FakeStores {
  photos: InMemoryPhotoStore;
  /** The same object as `photos`: it lists what it holds. */
  listing: InMemoryPhotoStore;
  /** Over `photos`' events. */
  members: InMemoryMembershipStore;
  objects: InMemoryObjectStore;
}

/** Fresh, empty stores, in the shape a handler's `createHandler` takes. */
export function fakeStores(): FakeStores {
  const table = new InMemoryPhotoStore();
  return { photos: table, listing: table, members: new InMemoryMembershipStore(table), objects: new InMemoryObjectStore() };
}

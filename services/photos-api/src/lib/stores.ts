import type { MembershipStore, ObjectStore, PhotoLister, PhotoStore } from '@event-photos/core';

/**
 * What the handlers work with. Each handler module exports `createHandler(stores)`, taking only
 * the stores it uses (a Pick of these), and `handler`, that factory applied once at module load
 * to the adapters of photo-store.ts and object-store.ts: warm invocations reuse their clients, and
 * tests pass the in-memory fakes of @event-photos/testing/fakes.
 */
export interface Stores {
  photos: PhotoStore;
  /** Who may see each event: members and invites (photo-store.ts makes it share the photo store's reads). */
  members: MembershipStore;
  objects: ObjectStore;
}

/** What a route about one event needs at least: the event, and the caller's access to it (event-access.ts). */
export type EventStores = Pick<Stores, 'photos' | 'members'>;

/** list-photos' stores: the photo list's queries too (photo-listing-store.ts), which no other handler bundles. */
export interface ListingStores extends EventStores {
  listing: PhotoLister;
}

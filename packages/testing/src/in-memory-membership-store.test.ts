import { membershipStoreContract } from '#lib/membership-store-contract';
import { InMemoryMembershipStore } from '#lib/in-memory-membership-store';
import { InMemoryPhotoStore } from '#lib/in-memory-photo-store';

membershipStoreContract('InMemoryMembershipStore', async () => {
  const table = new InMemoryPhotoStore();
  return { photos: table, listing: table, members: new InMemoryMembershipStore(table) };
});

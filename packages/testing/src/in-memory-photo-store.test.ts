import { photoStoreContract } from '#lib/photo-store-contract';
import { InMemoryPhotoStore } from '#lib/in-memory-photo-store';

photoStoreContract('InMemoryPhotoStore', async () => {
  const table = new InMemoryPhotoStore();
  return { photos: table, listing: table };
});

import { objectStoreContract } from '#lib/object-store-contract';
import { InMemoryObjectStore } from '#lib/in-memory-object-store';

objectStoreContract('InMemoryObjectStore', async () => {
  const objects = new InMemoryObjectStore();
  return { objects, put: async (key, bytes, options) => objects.put(key, bytes, options) };
});

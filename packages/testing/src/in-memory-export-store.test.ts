import { exportStoreContract } from '#lib/export-store-contract';
import { InMemoryExportStore } from '#lib/in-memory-export-store';

exportStoreContract('InMemoryExportStore', async () => ({ exports: new InMemoryExportStore() }));

import { MembershipRepository } from '@event-photos/aws';
import { config } from '#lib/config';
import { documents, tableReads } from '#lib/photo-store';

// Shares the photo store's client and batched reads (photo-store.ts).
export const members = new MembershipRepository(documents, config.tableName, tableReads);

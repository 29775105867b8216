import { createDocumentClient, tableStores } from '@event-photos/aws';
import { config } from '#lib/config';

// Created once per module load, reused across invocations. Kept apart from object-store.ts so
// the DynamoDB-only handlers do not bundle (and load) the S3 client. The photo and membership
// stores share their batched reads: a request's event and the caller's access come in one round trip.
export const documents = createDocumentClient();
export const { photos, members } = tableStores(documents, config.tableName);

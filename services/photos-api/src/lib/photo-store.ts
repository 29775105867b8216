import { BatchedGets, createDocumentClient, PhotoRepository } from '@event-photos/aws';
import { config } from '#lib/config';

// Created once per module load, reused across invocations. Kept apart from object-store.ts so
// the DynamoDB-only handlers do not bundle (and load) the S3 client, and from member-store.ts so
// that a handler without memberships (create-event, processing) does not bundle them.
export const documents = createDocumentClient();
/** The reads a request starts together go out as one BatchGetItem: the event and the caller's access, for one. */
export const tableReads = new BatchedGets(documents, config.tableName);
export const photos = new PhotoRepository(documents, config.tableName, tableReads);

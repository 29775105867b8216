import { PhotoRepository, createDocumentClient } from '@event-photos/aws';
import { config } from '#lib/config';

// Created once per module load, reused across invocations. Kept apart from object-store.ts so
// the DynamoDB-only handlers do not bundle (and load) the S3 client.
export const documents = createDocumentClient();
export const photos = new PhotoRepository(documents, config.tableName);

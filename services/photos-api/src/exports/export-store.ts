import { ExportRepository, S3ExportQueue } from '@event-photos/aws';
import { config } from '#lib/config';
import { documents, tableReads } from '#lib/photo-store';
import { uploadSigning } from '#lib/upload-signing';

// The HTTP routes' export adapters, made once per instance. The store shares the photo store's
// batched reads: get-export reads the export with the event and the caller's access in one request.
export const exports = new ExportRepository(documents, config.tableName, tableReads);
/** Only create-export asks for the worker (a signed PutObject under exports/requests/). */
export const exportQueue = new S3ExportQueue(uploadSigning, config.bucketName);

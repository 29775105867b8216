import { ExportRepository, ObjectStorage, S3ZipArchiveWriter, createS3Client } from '@event-photos/aws';
import { config } from '#lib/config';
import { members } from '#lib/member-store';
import { listing } from '#lib/photo-listing-store';
import { documents, tableReads } from '#lib/photo-store';
import type { ExportWorkerStores } from '#exports/run-export';

/** The worker's adapters, made once per instance: one S3 client for the reads, the zip's upload and the request's delete. */
export function workerStores(): ExportWorkerStores & { objects: ObjectStorage } {
  const s3 = createS3Client({ forcePathStyle: config.s3ForcePathStyle });
  return {
    exports: new ExportRepository(documents, config.tableName, tableReads),
    members,
    listing,
    archives: new S3ZipArchiveWriter(s3, config.bucketName),
    objects: new ObjectStorage(s3, config.bucketName),
  };
}

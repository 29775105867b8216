import { ObjectStorage, PhotoRepository, createDocumentClient, createS3Client } from '@event-photos/aws';
import { config } from '#lib/config';

// Created once per module load, reused across invocations.
export const s3 = createS3Client({ forcePathStyle: config.s3ForcePathStyle });
export const photos = new PhotoRepository(createDocumentClient(), config.tableName);
export const storage = new ObjectStorage(s3, config.bucketName);

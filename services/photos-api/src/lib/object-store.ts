import { ObjectStorage, createS3Client } from '@event-photos/aws';
import { config } from '#lib/config';

// Created once per module load, reused across invocations.
const s3 = createS3Client({ forcePathStyle: config.s3ForcePathStyle });
export const objects = new ObjectStorage(s3, config.bucketName);

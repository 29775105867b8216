import { uploadSigningFromEnv } from '@event-photos/aws';
import { config } from '#lib/config';

// Read once per cold start: Lambda sets the role's credentials in the environment and does not
// rotate them within an instance. No S3 client: presigning a URL needs none.
export const uploadSigning = uploadSigningFromEnv({ forcePathStyle: config.s3ForcePathStyle });

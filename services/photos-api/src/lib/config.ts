import { getBooleanFromEnv, getNumberFromEnv, getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { DEFAULT_MAX_UPLOAD_BYTES } from '@event-photos/core';

// Read once per cold start; a missing variable fails the init with its name.
export const config = {
  tableName: getStringFromEnv({ key: 'PHOTOS_TABLE_NAME' }),
  bucketName: getStringFromEnv({ key: 'PHOTOS_BUCKET_NAME' }),
  /** Base URL the photos are served from (https://{CloudFront domain}), without a trailing slash. */
  cdnBaseUrl: getStringFromEnv({ key: 'PHOTOS_CDN_BASE_URL' }).replace(/\/+$/, ''),
  maxUploadBytes: getNumberFromEnv({ key: 'MAX_UPLOAD_BYTES', defaultValue: DEFAULT_MAX_UPLOAD_BYTES }),
  uploadUrlExpiresSeconds: getNumberFromEnv({ key: 'UPLOAD_URL_EXPIRES_SECONDS', defaultValue: 300 }),
  /** Only for S3 emulators that need path-style URLs. */
  s3ForcePathStyle: getBooleanFromEnv({ key: 'S3_FORCE_PATH_STYLE', defaultValue: false }),
};

for (const [name, value] of Object.entries({ MAX_UPLOAD_BYTES: config.maxUploadBytes, UPLOAD_URL_EXPIRES_SECONDS: config.uploadUrlExpiresSeconds })) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Environment variable ${name} must be a positive integer`);
}

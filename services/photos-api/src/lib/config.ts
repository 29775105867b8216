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
  /**
   * The browser origin allowed to call the API (serverless.yml param webOrigin, which the HTTP
   * API's CORS settings read too): '*' or one origin, as a browser sends it in `Origin`.
   */
  corsAllowedOrigin: originFromEnv('CORS_ALLOWED_ORIGIN'),
  /** Only for S3 emulators that need path-style URLs. */
  s3ForcePathStyle: getBooleanFromEnv({ key: 'S3_FORCE_PATH_STYLE', defaultValue: false }),
};

for (const [name, value] of Object.entries({
  MAX_UPLOAD_BYTES: config.maxUploadBytes,
  UPLOAD_URL_EXPIRES_SECONDS: config.uploadUrlExpiresSeconds,
})) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`Environment variable ${name} must be a positive integer`);
}

function originFromEnv(name: string): string {
  const value = getStringFromEnv({ key: name });
  // An origin is what URL.origin gives back unchanged: no path, no trailing slash, lower-case host.
  if (value === '*' || URL.parse(value)?.origin === value) return value;
  throw new Error(`Environment variable ${name} must be '*' or one origin such as https://app.example.com, not ${JSON.stringify(value)}`);
}

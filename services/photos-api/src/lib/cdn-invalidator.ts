import { CloudFrontInvalidator, cloudFrontFromEnv } from '@event-photos/aws';

// The distribution whose edge the delete routes invalidate. Read once per cold start, only by the
// functions that delete (serverless.yml gives them PHOTOS_CDN_DISTRIBUTION_ID and the permission):
// a missing or malformed variable fails the init with its name.
export const cdn = new CloudFrontInvalidator(cloudFrontFromEnv());

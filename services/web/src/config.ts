/**
 * The app's runtime configuration, served as /config.json next to index.html.
 * Browser-safe: the server and the app both use it.
 */
export interface WebConfig {
  /** The photos HTTP API's base URL. */
  apiUrl: string;
  /** Cognito's API endpoint; leave out on AWS (https://cognito-idp.{region}.amazonaws.com/). */
  cognitoEndpoint?: string;
  /** Where photos are served (the CDN): the only origin images load from, besides the app and data: URLs. */
  cdnBaseUrl: string;
  /**
   * Where the presigned upload URLs point: an S3-compatible endpoint (the local stack's). Leave out
   * on AWS and give `bucketName`: the URLs are then https://{bucketName}.s3.{region}.amazonaws.com/...
   */
  s3Endpoint?: string;
  bucketName?: string;
  region: string;
  /** The user pool (`{region}_{id}`, the infra stack's UserPoolId output): SRP sign-in needs it. */
  userPoolId: string;
  /** The user pool's public app client (no secret). */
  userPoolClientId: string;
  /**
   * Accepted for callers that pass the local stack's outputs, not published: the app opens on the
   * list of events, so it needs no default event.
   */
  demoEventId?: string;
  /** Photos per page in the grid; default 24. */
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 24;

/**
 * Checks a configuration and keeps only the keys above, so passing a bigger object (e.g. the local
 * stack's outputs, which hold the demo passwords) never publishes anything else.
 */
export function parseWebConfig(input: unknown): WebConfig {
  if (typeof input !== 'object' || input === null) throw new Error('config must be an object');
  const value = input as Record<string, unknown>;
  const text = (key: string): string => {
    const field = value[key];
    if (typeof field !== 'string' || field.trim() === '') throw new Error(`config.${key} must be a non-empty string`);
    return field;
  };
  const url = (key: string): string => {
    const field = text(key);
    let parsed: URL;
    try {
      parsed = new URL(field);
    } catch {
      throw new Error(`config.${key} must be an absolute URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`config.${key} must be an http(s) URL`);
    return field;
  };
  const config: WebConfig = {
    apiUrl: url('apiUrl'),
    cdnBaseUrl: url('cdnBaseUrl'),
    region: text('region'),
    userPoolId: text('userPoolId'),
    userPoolClientId: text('userPoolClientId'),
  };
  if (!/^[A-Za-z0-9-]+_[0-9A-Za-z]+$/.test(config.userPoolId)) throw new Error('config.userPoolId must look like {region}_{id}');
  if (value['cognitoEndpoint'] !== undefined) config.cognitoEndpoint = url('cognitoEndpoint');
  if (value['s3Endpoint'] !== undefined) config.s3Endpoint = url('s3Endpoint');
  else if (value['bucketName'] !== undefined) {
    config.bucketName = text('bucketName');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.bucketName)) throw new Error('config.bucketName must be an S3 bucket name');
  } else throw new Error('config.s3Endpoint or config.bucketName is required: where the uploads go');
  if (value['pageSize'] !== undefined) {
    const pageSize = value['pageSize'];
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new Error('config.pageSize must be a whole number from 1 to 100');
    }
    config.pageSize = pageSize;
  }
  return config;
}

import type { UploadSigningConfig } from '#lib/upload-signer';

/**
 * Region, credentials and endpoint for signing upload URLs, from the environment Lambda sets
 * (AWS_REGION, the role's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN) and the
 * SDK's AWS_ENDPOINT_URL_S3 for emulators. Read when called: Lambda does not rotate these within
 * an instance, so calling it once per cold start is enough. A missing one fails with its name.
 */
export function uploadSigningFromEnv({ forcePathStyle = false } = {}): UploadSigningConfig {
  const sessionToken = process.env['AWS_SESSION_TOKEN'];
  return {
    region: required('AWS_REGION'),
    credentials: {
      accessKeyId: required('AWS_ACCESS_KEY_ID'),
      secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
    },
    endpoint: process.env['AWS_ENDPOINT_URL_S3'] || undefined,
    forcePathStyle,
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is required`);
  return value;
}

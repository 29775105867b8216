import type { WebConfig } from '#lib/config';

/** The origin the presigned upload URLs point at (upload-signer.ts: virtual-hosted style on AWS). */
export function uploadOrigin(config: WebConfig): string {
  return config.s3Endpoint ? new URL(config.s3Endpoint).origin : `https://${config.bucketName}.s3.${config.region}.amazonaws.com`;
}

/**
 * The app's Content-Security-Policy, from the same config.json the app loads: scripts and styles
 * from the app's own origin only (no inline script, no third party), images from it, data: URLs
 * (placeholders) and the CDN, requests to exactly the API, Cognito, the upload endpoint and the CDN; never
 * framed, no <base>, forms only to itself. A script injected into a page (XSS) can then neither
 * load more code nor send what it reads (the refresh token) anywhere but those endpoints.
 * The local server sends it with every page; the deployed host must send the same header.
 */
export function contentSecurityPolicy(config: WebConfig): string {
  const origin = (url: string) => new URL(url).origin;
  const connect = new Set([
    "'self'",
    origin(config.apiUrl),
    // Cognito's public endpoint on AWS (the client's cognitoEndpointFor).
    config.cognitoEndpoint ? origin(config.cognitoEndpoint) : `https://cognito-idp.${config.region}.amazonaws.com`,
    uploadOrigin(config),
    // A photo's download is fetched and saved under its title (a cross-origin link's `download`
    // attribute is ignored). Nothing new leaks this way: img-src could already send a query there.
    origin(config.cdnBaseUrl),
  ]);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${origin(config.cdnBaseUrl)}`,
    `connect-src ${[...connect].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

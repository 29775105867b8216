import { Sha256Node } from '@smithy/core/checksum';
import { buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { endpointOf, type UploadSigningConfig } from '#lib/upload-signer';

/** S3 refuses presigned URLs valid longer than 7 days; ours are far shorter (minutes). */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

export interface DownloadToSign {
  bucket: string;
  key: string;
  expiresInSeconds: number;
  /** The name the browser saves the file as (S3 answers it in Content-Disposition: attachment). */
  fileName: string;
}

export interface SignedDownload {
  url: string;
  expiresAt: Date;
}

/**
 * Signs a GetObject URL for one private object (an untouched original, an export), answered as an
 * attachment named `fileName`. The same URL @aws-sdk/s3-request-presigner signs for the
 * GetObjectCommand of these values (download-signer.sdk-equivalence.test.ts), without bundling the
 * S3 client into the HTTP routes.
 */
export async function signDownload(signing: UploadSigningConfig, download: DownloadToSign, now = new Date()): Promise<SignedDownload> {
  if (!(download.expiresInSeconds > 0 && download.expiresInSeconds <= MAX_EXPIRES_SECONDS))
    throw new RangeError(`expiresInSeconds must be within 1..${MAX_EXPIRES_SECONDS}`);
  const { protocol, hostname, port, pathPrefix } = endpointOf(signing, download.bucket);
  const host = port ? `${hostname}:${port}` : hostname;
  const request: HttpRequest = {
    method: 'GET',
    protocol,
    hostname,
    ...(port ? { port } : {}),
    path: `${pathPrefix}/${download.key.split('/').map(extendedEncodeURIComponent).join('/')}`,
    // As the SDK's GetObject request: the override first, x-id last (query order does not change the signature).
    query: { 'response-content-disposition': attachment(download.fileName), 'x-id': 'GetObject' },
    headers: { host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
  };
  const signer = new SignatureV4({
    service: 's3',
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256Node,
    uriEscapePath: false,
  });
  const signed = await signer.presign(request, { expiresIn: download.expiresInSeconds, signingDate: now });
  return {
    url: `${protocol}//${host}${signed.path}?${buildQueryString(signed.query!)}`,
    expiresAt: new Date(now.getTime() + download.expiresInSeconds * 1000),
  };
}

/**
 * `attachment` with an ASCII fallback name and the exact one in RFC 5987's `filename*`, so a title
 * in Korean saves under its own name, and no quote, backslash or control character reaches the header.
 */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_').trim() || 'download';
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

import { presignS3, type UploadSigningConfig } from '#lib/s3-signing';

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
  const url = await presignS3(
    signing,
    {
      method: 'GET',
      bucket: download.bucket,
      key: download.key,
      // As the SDK's GetObject request: the override first, x-id last (query order does not change the signature).
      query: { 'response-content-disposition': attachment(download.fileName), 'x-id': 'GetObject' },
      headers: {},
    },
    { expiresIn: download.expiresInSeconds, signingDate: now },
  );
  return {
    url,
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

import { presignS3, type UploadSigningConfig } from '#lib/s3-signing';

export type { UploadSigningConfig } from '#lib/s3-signing';

export const UPLOAD_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface UploadToSign {
  bucket: string;
  key: string;
  contentType: string;
  size: number;
  /** Already S3-safe (ASCII) values; keys are lowercase. */
  metadata: Record<string, string>;
  expiresInSeconds: number;
  /** Base64 of the raw SHA-256 digest the client declared: S3 then verifies the body against it. */
  sha256Base64?: string | undefined;
}

export interface SignedUpload {
  url: string;
  /** Exactly the headers the client must send; each one is signed. */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * Signs a PutObject URL that pins key, metadata, Content-Type, Content-Length, Cache-Control,
 * `If-None-Match: *` (the URL can create the object once, never overwrite it) and, when given,
 * the SHA-256 S3 must verify. S3 refuses the PUT if any of them differs. Metadata is hoisted
 * into the signed query string; the rest are headers the client must send as returned.
 *
 * The same URL @aws-sdk/s3-request-presigner signs for the PutObjectCommand of these values
 * (upload-signer.sdk-equivalence.test.ts), without bundling the S3 client to build the request.
 */
export async function signUpload(signing: UploadSigningConfig, upload: UploadToSign, now = new Date()): Promise<SignedUpload> {
  const headers: Record<string, string> = {
    'Content-Type': upload.contentType,
    'Content-Length': String(upload.size),
    'Cache-Control': UPLOAD_CACHE_CONTROL,
    'If-None-Match': '*',
    ...(upload.sha256Base64 ? { 'x-amz-checksum-sha256': upload.sha256Base64 } : {}),
  };
  const url = await presignS3(
    signing,
    {
      method: 'PUT',
      bucket: upload.bucket,
      key: upload.key,
      // The SDK's PutObject request carries x-id; kept so the URL is the SDK's, byte for byte.
      query: { 'x-id': 'PutObject' },
      headers: {
        ...headers,
        ...Object.fromEntries(Object.entries(upload.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
      },
    },
    {
      expiresIn: upload.expiresInSeconds,
      signingDate: now,
      // Signed whatever SigV4's defaults (it never signs cache-control unless told): S3 enforces
      // each signed header.
      signableHeaders: new Set(['content-type', 'content-length', 'cache-control', 'if-none-match']),
      // A hoisted checksum would be a query parameter S3 does not check against the body; every
      // other x-amz-* header (metadata, content-sha256) moves into the signed query string.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
  return { url, headers, expiresAt: new Date(now.getTime() + upload.expiresInSeconds * 1000) };
}

import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

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
 */
export async function signUpload(s3: S3Client, upload: UploadToSign, now = new Date()): Promise<SignedUpload> {
  const headers: Record<string, string> = {
    'Content-Type': upload.contentType,
    'Content-Length': String(upload.size),
    'Cache-Control': UPLOAD_CACHE_CONTROL,
    'If-None-Match': '*',
    ...(upload.sha256Base64 ? { 'x-amz-checksum-sha256': upload.sha256Base64 } : {}),
  };
  const command = new PutObjectCommand({
    Bucket: upload.bucket,
    Key: upload.key,
    ContentType: upload.contentType,
    ContentLength: upload.size,
    CacheControl: UPLOAD_CACHE_CONTROL,
    IfNoneMatch: '*',
    Metadata: upload.metadata,
    ...(upload.sha256Base64 ? { ChecksumSHA256: upload.sha256Base64 } : {}),
  });
  const url = await getSignedUrl(s3, command, {
    expiresIn: upload.expiresInSeconds,
    signingDate: now,
    // The presigner leaves these unsigned by default; signing them makes S3 enforce them.
    signableHeaders: new Set(['content-type', 'content-length', 'cache-control', 'if-none-match']),
    // A hoisted checksum would be a query parameter S3 does not check against the body.
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
  });
  return { url, headers, expiresAt: new Date(now.getTime() + upload.expiresInSeconds * 1000) };
}

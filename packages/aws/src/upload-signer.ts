import { Sha256Node } from '@smithy/core/checksum';
import { buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';

export const UPLOAD_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Where and as whom to sign: no S3 client, presigning is local. */
export interface UploadSigningConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** An S3-compatible endpoint (an emulator); AWS's regional endpoint when absent. */
  endpoint?: string | undefined;
  /** The bucket in the path rather than the host name (emulators). */
  forcePathStyle?: boolean | undefined;
}

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
  const { protocol, hostname, port, pathPrefix } = endpointOf(signing, upload.bucket);
  const host = port ? `${hostname}:${port}` : hostname;
  const request: HttpRequest = {
    method: 'PUT',
    protocol,
    hostname,
    ...(port ? { port } : {}),
    // S3's key encoding: each segment URI-encoded, `/` kept.
    path: `${pathPrefix}/${upload.key.split('/').map(extendedEncodeURIComponent).join('/')}`,
    // The SDK's PutObject request carries x-id; kept so the URL is the SDK's, byte for byte.
    query: { 'x-id': 'PutObject' },
    headers: {
      ...headers,
      host,
      ...Object.fromEntries(Object.entries(upload.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
      // A presigned URL cannot sign a body it has not seen. Spelled as the SDK's presigner does:
      // it becomes a query parameter, whose name is signed as written.
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
    },
  };
  const signer = new SignatureV4({
    service: 's3',
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256Node,
    // S3 signs the path as sent, not URI-encoded a second time.
    uriEscapePath: false,
  });
  const signed = await signer.presign(request, {
    expiresIn: upload.expiresInSeconds,
    signingDate: now,
    // Signed whatever SigV4's defaults (it never signs cache-control unless told): S3 enforces
    // each signed header.
    signableHeaders: new Set(['content-type', 'content-length', 'cache-control', 'if-none-match']),
    // A hoisted checksum would be a query parameter S3 does not check against the body; every
    // other x-amz-* header (metadata, content-sha256) moves into the signed query string.
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
  });
  const url = `${protocol}//${host}${signed.path}?${buildQueryString(signed.query!)}`;
  return { url, headers, expiresAt: new Date(now.getTime() + upload.expiresInSeconds * 1000) };
}

/** Where S3 answers for `bucket`: AWS's virtual-hosted endpoint, or an emulator's (path style when asked). */
export function endpointOf({ region, endpoint, forcePathStyle }: UploadSigningConfig, bucket: string) {
  if (!endpoint) return { protocol: 'https:', hostname: `${bucket}.s3.${region}.amazonaws.com`, port: undefined, pathPrefix: '' };
  const url = new URL(endpoint);
  const basePath = url.pathname.replace(/\/+$/, '');
  const port = url.port ? Number(url.port) : undefined;
  return forcePathStyle
    ? { protocol: url.protocol, hostname: url.hostname, port, pathPrefix: `${basePath}/${bucket}` }
    : { protocol: url.protocol, hostname: `${bucket}.${url.hostname}`, port, pathPrefix: basePath };
}

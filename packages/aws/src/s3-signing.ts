import { Sha256Node } from '@smithy/core/checksum';
import { buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RequestPresigningArguments } from '@smithy/types';

// Presigned S3 URLs without an S3 client: the request built as the SDK builds it, signed with
// SigV4 as @aws-sdk/s3-request-presigner signs it (the equivalence tests beside the signers
// compare URLs byte for byte). upload-signer.ts and download-signer.ts say what each one pins;
// export-queue.ts signs a plain PutObject with the same pieces.

/** Where and as whom to sign. */
export interface UploadSigningConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** An S3-compatible endpoint (an emulator); AWS's regional endpoint when absent. */
  endpoint?: string | undefined;
  /** The bucket in the path rather than the host name (emulators). */
  forcePathStyle?: boolean | undefined;
}

/** One S3 request to presign: the object, the method, the SDK's query and the headers to sign. */
export interface S3RequestToSign {
  method: 'GET' | 'PUT';
  bucket: string;
  key: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** The presigned URL of the request. */
export async function presignS3(
  signing: UploadSigningConfig,
  request: S3RequestToSign,
  options: RequestPresigningArguments,
): Promise<string> {
  const url = s3ObjectUrl(signing, request.bucket, request.key);
  const signed = await s3SignatureV4(signing).presign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: request.query,
      // A presigned URL cannot sign a body it has not seen. Spelled as the SDK's presigner does:
      // it becomes a query parameter, whose name is signed as written.
      headers: { ...request.headers, host: url.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    options,
  );
  return `${url.origin}${signed.path}?${buildQueryString(signed.query!)}`;
}

/** SigV4 for S3, as the SDK signs for it: the path signed as sent, not URI-encoded a second time. */
export function s3SignatureV4(signing: UploadSigningConfig): SignatureV4 {
  return new SignatureV4({
    service: 's3',
    region: signing.region,
    credentials: signing.credentials,
    sha256: Sha256Node,
    uriEscapePath: false,
  });
}

/**
 * The object's URL: AWS's virtual-hosted endpoint, or an emulator's (path style when asked);
 * S3's key encoding, each segment URI-encoded and `/` kept.
 */
export function s3ObjectUrl({ region, endpoint, forcePathStyle }: UploadSigningConfig, bucket: string, key: string): URL {
  const path = key.split('/').map(extendedEncodeURIComponent).join('/');
  if (!endpoint) return new URL(`https://${bucket}.s3.${region}.amazonaws.com/${path}`);
  const url = new URL(endpoint);
  const basePath = url.pathname.replace(/\/+$/, '');
  return new URL(
    forcePathStyle
      ? `${url.protocol}//${url.host}${basePath}/${bucket}/${path}`
      : `${url.protocol}//${bucket}.${url.host}${basePath}/${path}`,
  );
}

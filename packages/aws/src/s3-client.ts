import { S3Client } from '@aws-sdk/client-s3';

// The endpoint comes from the SDK's own AWS_ENDPOINT_URL_S3 variable, so the same code talks to
// AWS or to the local emulator.
export function createS3Client({ forcePathStyle = false }: { forcePathStyle?: boolean } = {}): S3Client {
  return new S3Client({
    forcePathStyle,
    // Default flexible checksums would put the CRC32 of an EMPTY body into presigned URLs
    // and use aws-chunked uploads; only send checksums S3 requires or we ask for.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

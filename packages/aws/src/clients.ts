import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// Endpoints come from the SDK's own AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB variables,
// so the same code talks to AWS or to the local emulators.

export function createS3Client({ forcePathStyle = false }: { forcePathStyle?: boolean } = {}): S3Client {
  return new S3Client({
    forcePathStyle,
    // Default flexible checksums would put the CRC32 of an EMPTY body into presigned URLs
    // and use aws-chunked uploads; only send checksums S3 requires or we ask for.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

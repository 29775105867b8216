import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import {
  ExportRepository,
  ObjectStorage,
  PhotoListing,
  PhotoRepository,
  createDocumentClient,
  createS3Client,
  tableStores,
} from '@event-photos/aws';
import { exportStoreContract, membershipStoreContract, objectStoreContract, photoStoreContract } from '@event-photos/testing/contracts';
import { ensurePhotosTable, startDynamoDb, type LocalDynamoDb } from '@event-photos/local-stack/parts';
import { LOCAL_S3_CREDENTIALS } from '@event-photos/local-stack/parts';
import { bucketCorsRules, readInfra, tableDefinition, type Infra } from '@event-photos/local-stack/parts';
import { freePort } from '@event-photos/local-stack/parts';
import { startS3, type LocalS3 } from '@event-photos/local-stack/parts';
import { REPO_ROOT } from '@event-photos/local-stack';

// The suites the in-memory fakes pass (packages/testing), run against the AWS adapters on the
// local DynamoDB (a table as infra.serverless.yml declares it, a new one per test) and the local
// S3 (behind the proxy that answers as S3 does). Both start in-process in well under a second.
const BUCKET = 'contract-bucket';
const clients = { region: 'us-east-1', credentials: LOCAL_S3_CREDENTIALS };
let dataDir: string;
let dynamodb: LocalDynamoDb;
let s3: LocalS3;
let infra: Infra;
let documents: DynamoDBDocumentClient;
let s3Client: S3Client;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-contracts-'));
  infra = await readInfra(REPO_ROOT);
  [dynamodb, s3] = await Promise.all([
    startDynamoDb({ directory: path.join(dataDir, 'dynamodb'), port: await freePort() }),
    startS3({
      directory: path.join(dataDir, 's3'),
      port: await freePort(),
      bucket: BUCKET,
      corsRules: bucketCorsRules(infra),
      onEvent: () => undefined,
      log: () => undefined,
    }),
  ]);
  documents = createDocumentClient({ ...clients, endpoint: dynamodb.endpoint });
  s3Client = createS3Client({ ...clients, endpoint: s3.endpoint, forcePathStyle: true });
});

afterAll(async () => {
  documents?.destroy();
  s3Client?.destroy();
  await Promise.all([dynamodb?.close(), s3?.close()]);
  await rm(dataDir, { recursive: true, force: true });
});

let tables = 0;
photoStoreContract('PhotoRepository and PhotoListing on the local DynamoDB', async () => {
  const tableName = `contract-${tables++}`;
  await ensurePhotosTable(dynamodb.endpoint, tableDefinition(infra, tableName));
  return {
    photos: new PhotoRepository(documents, tableName),
    listing: new PhotoListing(documents, tableName),
  };
});

membershipStoreContract('MembershipRepository on the local DynamoDB', async () => {
  const tableName = `contract-${tables++}`;
  await ensurePhotosTable(dynamodb.endpoint, tableDefinition(infra, tableName));
  return { ...tableStores(documents, tableName), listing: new PhotoListing(documents, tableName) };
});

exportStoreContract('ExportRepository on the local DynamoDB', async () => {
  const tableName = `contract-${tables++}`;
  await ensurePhotosTable(dynamodb.endpoint, tableDefinition(infra, tableName));
  return { exports: new ExportRepository(documents, tableName) };
});

objectStoreContract('ObjectStorage on the local S3', async () => ({
  objects: new ObjectStorage(s3Client, BUCKET),
  put: async (key, bytes, { contentType, metadata, verifiedSha256 } = {}) => {
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        Metadata: metadata,
        // What initiate-upload's URLs pin when the client declares the hash.
        ChecksumSHA256: verifiedSha256 ? createHash('sha256').update(bytes).digest('base64') : undefined,
      }),
    );
  },
}));

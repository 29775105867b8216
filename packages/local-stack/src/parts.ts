// The emulators one by one, for tests of an adapter against a single service (no Lambda, no gateway).
export { ensurePhotosTable, type LocalDynamoDb, startDynamoDb } from '#lib/dynamodb';
export { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';
export { bucketCorsRules, type Infra, readInfra, tableDefinition } from '#lib/local-infra';
export { freePort, LOOPBACK } from '#lib/net';
export { type LocalS3, startS3 } from '#lib/s3';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePhotosTable, startDynamoDb, type LocalDynamoDb } from '#lib/dynamodb';
import { readInfra, tableDefinition } from '#lib/local-infra';
import { freePort } from '#lib/net';
import { REPO_ROOT } from '#lib/stack';

// The local table comes from infra.serverless.yml: new data folders get its index, old ones
// (a table from before the index) are told how to get it.
let dynamodb: LocalDynamoDb;
let dataDir: string;
let client: DynamoDBClient;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-table-'));
  dynamodb = await startDynamoDb({ directory: dataDir, port: await freePort() });
  client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await dynamodb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const localIndexesOf = async (tableName: string) =>
  ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LocalSecondaryIndexes ?? []).map(
    (index) => index.IndexName,
  );
const indexesOf = async (tableName: string) =>
  ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? []).map(
    (index) => index.IndexName,
  );

describe('ensurePhotosTable', () => {
  it('creates a new table with the events index, and leaves it as is on the next start', async () => {
    const definition = tableDefinition(await readInfra(REPO_ROOT), 'fresh');
    await ensurePhotosTable(dynamodb.endpoint, definition);
    expect(await indexesOf('fresh')).toEqual(['gsi1']);
    expect(await localIndexesOf('fresh')).toEqual(['byReady', 'byUploader']);
    await expect(ensurePhotosTable(dynamodb.endpoint, definition)).resolves.toBeUndefined();
  });

  it('refuses a table from before the events index, naming the index and the folder to delete', async () => {
    const definition = tableDefinition(await readInfra(REPO_ROOT), 'old');
    const { GlobalSecondaryIndexes: _indexes, ...withoutIndexes } = definition;
    await client.send(
      new CreateTableCommand({
        ...withoutIndexes,
        AttributeDefinitions: definition.AttributeDefinitions!.filter(({ AttributeName }) => !AttributeName!.startsWith('gsi1')),
      }),
    );
    const refused = ensurePhotosTable(dynamodb.endpoint, definition);
    await expect(refused).rejects.toThrow(/has no index gsi1 .*cannot add an index .*Delete the dynamodb folder .*\.local\/dynamodb/);
  });

  it('refuses a table from before the listing indexes (local ones exist only from creation)', async () => {
    const definition = tableDefinition(await readInfra(REPO_ROOT), 'older');
    const { LocalSecondaryIndexes: _indexes, ...withoutIndexes } = definition;
    await client.send(
      new CreateTableCommand({
        ...withoutIndexes,
        AttributeDefinitions: definition.AttributeDefinitions!.filter(({ AttributeName }) => !AttributeName!.endsWith('Key')),
      }),
    );
    await expect(ensurePhotosTable(dynamodb.endpoint, definition)).rejects.toThrow(
      /has no index byReady, byUploader .*Delete the dynamodb folder/,
    );
  });
});

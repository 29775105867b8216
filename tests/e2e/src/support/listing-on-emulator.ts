import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PhotoListing, PhotoRepository, createDocumentClient } from '@event-photos/aws';
import { REPO_ROOT } from '@event-photos/local-stack';
import { ensurePhotosTable, freePort, readInfra, startDynamoDb, tableDefinition } from '@event-photos/local-stack/parts';

/**
 * The photo repository and the listing adapter on a local DynamoDB of their own (the table as
 * infra.serverless.yml declares it), the listing on `clock`: for the tests that arrange what the
 * HTTP tests cannot (a write that lands late, thousands of photos). `close` stops it and removes its data.
 */
export async function listingOnEmulator(name: string, clock: () => number) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `event-photos-${name}-`));
  const dynamodb = await startDynamoDb({ directory: dataDir, port: await freePort() });
  await ensurePhotosTable(dynamodb.endpoint, tableDefinition(await readInfra(REPO_ROOT), 'photos'));
  const documents = createDocumentClient({
    endpoint: dynamodb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    documents,
    repository: new PhotoRepository(documents, 'photos'),
    listing: new PhotoListing(documents, 'photos', clock),
    close: async () => {
      documents.destroy();
      await dynamodb.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { LOOPBACK } from '#lib/net';

export interface LocalDynamoDb {
  endpoint: string;
  /** Stops answering (the data stays); `resume` listens again on the same port. For failure drills. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** dynalite (pure JS DynamoDB, LevelDB on disk): starts in ~0.1 s, no Java needed. */
export async function startDynamoDb({ directory, port }: { directory: string; port: number }): Promise<LocalDynamoDb> {
  await mkdir(directory, { recursive: true });
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const stopListening = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await listen();
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    pause: stopListening,
    resume: listen,
    close: stopListening,
  };
}

/** Creates the table (as infra.serverless.yml declares it) unless it exists. */
export async function ensurePhotosTable(endpoint: string, definition: CreateTableCommandInput): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    // dynalite has no UpdateTimeToLive: TTL records are not expired locally.
    await client.send(new CreateTableCommand(definition));
  } finally {
    client.destroy();
  }
}

import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { errorAnswer, jsonAnswer, send } from '#lib/dynamodb-dynalite';
import { createFront, type DynamoDbFront } from '#lib/dynamodb-front';
import { listenOnLoopback, LOOPBACK } from '#lib/net';

export interface LocalDynamoDb {
  endpoint: string;
  /** Stops answering (the data stays); `resume` listens again on the same port. For failure drills. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
  /** Requests received so far, by operation (X-Amz-Target): what the bench counts per photo. */
  requestCounts(): Record<string, number>;
}

/**
 * dynalite (pure JS DynamoDB, LevelDB on disk): starts in ~0.1 s, no Java needed. Its front adds
 * what dynalite 4 lacks and the product uses: TransactWriteItems, TransactGetItems and
 * ReturnValuesOnConditionCheckFailure (dynamodb-transactions.ts).
 */
export async function startDynamoDb({ directory, port }: { directory: string; port: number }): Promise<LocalDynamoDb> {
  await mkdir(directory, { recursive: true });
  const server: Server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const front = guardRequests(server);
  const listen = () => {
    front.reopen();
    return listenOnLoopback(server, port);
  };
  const stopListening = async () => {
    // Every request under way loses its client at once (as a process that stops), but a
    // transaction half-applied finishes before dynalite's close closes its database.
    const drained = front.drain();
    server.closeAllConnections();
    await drained;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  await listen();
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    pause: stopListening,
    resume: listen,
    close: stopListening,
    requestCounts: () => ({ ...front.requestCounts }),
  };
}

/** dynalite's own request size limit. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * dynalite runs in this process and throws from its request handlers on some input (a client
 * that goes away mid-body, `null` as the JSON body): uncaught, that would stop the whole stack.
 * So it gets each request only once complete, replayed synchronously so that what it throws
 * becomes a 400, and GET only for its health check on `/`. The front (dynamodb-front.ts) orders
 * the requests with its lock and answers what dynalite lacks (transactions).
 */
function guardRequests(server: Server): DynamoDbFront {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const front = createFront(handlers);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('error', () => response.destroy()); // the client is gone: nobody to answer
    request.on('end', () => {
      if (size > MAX_REQUEST_BYTES) return send(response, errorAnswer('SerializationException', 'Request too large', {}, 413));
      if (request.method === 'GET' && request.url?.split('?')[0] !== '/')
        return send(response, jsonAnswer(404, { __type: 'com.amazon.coral.service#UnknownOperationException' }));
      void front.serve(request, response, Buffer.concat(chunks));
    });
  });
  return front;
}

/**
 * Creates the table (as infra.serverless.yml declares it) unless it exists. A table made by an
 * older version (in an existing data folder) gets the indexes it lacks.
 */
export async function ensurePhotosTable(endpoint: string, definition: CreateTableCommandInput): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const existing = await describeTable(client, definition.TableName!);
    // dynalite has no UpdateTimeToLive: TTL records are not expired locally.
    if (!existing) await client.send(new CreateTableCommand(definition));
    else await addMissingIndexes(client, definition, existing);
    await untilActive(client, definition.TableName!);
  } finally {
    client.destroy();
  }
}

/** A new table is CREATING for a moment (in dynalite too), and answers ResourceNotFound until ACTIVE. */
async function untilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; (await describeTable(client, tableName))?.TableStatus !== 'ACTIVE'; attempt++) {
    if (attempt >= 200) throw new Error(`The local table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? null;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

/**
 * Asks for each missing index with UpdateTable, as on AWS. dynalite 4 cannot: it refuses a Create
 * without ProvisionedThroughput (which an on-demand table must not have) and, given one, adds
 * nothing. So the table is checked again, and a still-missing index is an error that says how to
 * get it: only a new table has it.
 */
async function addMissingIndexes(client: DynamoDBClient, definition: CreateTableCommandInput, table: TableDescription): Promise<void> {
  // A local index exists only from a table's creation, on AWS too: nothing to try.
  const local = new Set((table.LocalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missingLocal = (definition.LocalSecondaryIndexes ?? [])
    .filter((index) => !local.has(index.IndexName))
    .map((index) => index.IndexName!);
  if (missingLocal.length > 0) throw missingIndexError(definition, missingLocal, []);
  const has = (current: TableDescription) => new Set((current.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = (definition.GlobalSecondaryIndexes ?? []).filter((index) => !has(table).has(index.IndexName));
  if (missing.length === 0) return;
  const refusals: string[] = [];
  for (const index of missing) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: definition.TableName,
          AttributeDefinitions: definition.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    } catch (error) {
      refusals.push(`UpdateTable ${index.IndexName}: ${(error as Error).message}`);
    }
  }
  const after = await describeTable(client, definition.TableName!);
  const stillMissing = missing.filter((index) => !after || !has(after).has(index.IndexName)).map((index) => index.IndexName!);
  if (stillMissing.length > 0) throw missingIndexError(definition, stillMissing, refusals);
}

function missingIndexError(definition: CreateTableCommandInput, missing: string[], refusals: string[]): Error {
  return new Error(
    `The local table ${definition.TableName} has no index ${missing.join(', ')} (declared in infra.serverless.yml) and ` +
      'the local DynamoDB (dynalite) cannot add an index to an existing table. Delete the dynamodb folder of the data ' +
      'folder (.local/dynamodb, or $LOCAL_DATA_DIR/dynamodb; this removes the local events and photo records) and start again.' +
      (refusals.length > 0 ? ` (${refusals.join('; ')})` : ''),
  );
}

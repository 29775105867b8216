import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  IdempotentParameterMismatchException,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startDynamoDb } from '#lib/dynamodb';
import { freePort } from '#lib/net';

// The local DynamoDB's transactions, driven by the real SDK over HTTP as the product drives
// DynamoDB: the rules (all or nothing, reasons in order, limits, idempotency) and atomicity
// under concurrent writers and readers.
let dynamodb: LocalDynamoDb;
let dataDir: string;
let client: DynamoDBClient;
const TABLE = 'transactions';
const OTHER = 'transactions-other';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-transactions-'));
  dynamodb = await startDynamoDb({ directory: dataDir, port: await freePort() });
  client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  for (const TableName of [TABLE, OTHER])
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
});

afterAll(async () => {
  client?.destroy();
  await dynamodb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const key = (pk: string) => ({ pk: S(pk) });
const put = (pk: string, attributes: Record<string, AttributeValue> = {}, TableName = TABLE) =>
  client.send(new PutItemCommand({ TableName, Item: { ...key(pk), ...attributes } }));
const get = async (pk: string, TableName = TABLE) =>
  (await client.send(new GetItemCommand({ TableName, Key: key(pk), ConsistentRead: true }))).Item;
const transact = (TransactItems: TransactWriteItem[], ClientRequestToken?: string) =>
  client.send(new TransactWriteItemsCommand({ TransactItems, ...(ClientRequestToken ? { ClientRequestToken } : {}) }));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the request should have been refused'),
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => error,
  );
const increment = (pk: string, condition?: string): TransactWriteItem => ({
  Update: {
    TableName: TABLE,
    Key: key(pk),
    UpdateExpression: 'ADD n :one',
    ExpressionAttributeValues: { ':one': N(1), ...(condition ? { ':ten': N(10) } : {}) },
    ...(condition ? { ConditionExpression: condition } : {}),
  },
});

describe('TransactWriteItems', () => {
  it('applies Put, Update, Delete and ConditionCheck together, across tables', async () => {
    await put('ok-a', { n: N(1) });
    await put('ok-b');
    await put('ok-c', { state: S('open') }, OTHER);
    await transact([
      { Put: { TableName: TABLE, Item: { ...key('ok-new'), n: N(7) }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Update: { TableName: TABLE, Key: key('ok-a'), UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': N(1) } } },
      { Delete: { TableName: TABLE, Key: key('ok-b'), ConditionExpression: 'attribute_exists(pk)' } },
      {
        ConditionCheck: {
          TableName: OTHER,
          Key: key('ok-c'),
          ConditionExpression: '#state = :open',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':open': S('open') },
        },
      },
    ]);
    expect(await get('ok-new')).toEqual({ ...key('ok-new'), n: N(7) });
    expect(await get('ok-a')).toEqual({ ...key('ok-a'), n: N(2) });
    expect(await get('ok-b')).toBeUndefined();
  });

  it('is all or nothing: one failing condition among several leaves every item as it was', async () => {
    await put('all-a', { n: N(1) });
    await put('all-b', { n: N(1) });
    await put('all-c', { n: N(1) });
    const error = await failure(
      transact([
        { Update: { TableName: TABLE, Key: key('all-a'), UpdateExpression: 'SET n = :two', ExpressionAttributeValues: { ':two': N(2) } } },
        { Put: { TableName: TABLE, Item: { ...key('all-new') }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Delete: { TableName: TABLE, Key: key('all-b') } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key('all-c'),
            ConditionExpression: 'n = :five',
            ExpressionAttributeValues: { ':five': N(5) },
          },
        },
      ]),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, None, ConditionalCheckFailed]',
    );
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(await get('all-a')).toEqual({ ...key('all-a'), n: N(1) });
    expect(await get('all-new')).toBeUndefined();
    expect(await get('all-b')).toEqual({ ...key('all-b'), n: N(1) });
  });

  it('gives a reason per action, in order, with the item only where ReturnValuesOnConditionCheckFailure is ALL_OLD', async () => {
    await put('why-a', { n: N(1) });
    await put('why-b', { n: N(2) });
    await put('why-c', { n: N(3) });
    const error = await failure(
      transact([
        {
          Put: {
            TableName: TABLE,
            Item: key('why-a'),
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        { Delete: { TableName: TABLE, Key: key('why-b'), ConditionExpression: 'n = :one', ExpressionAttributeValues: { ':one': N(1) } } },
        { Update: { TableName: TABLE, Key: key('why-c'), UpdateExpression: 'SET m = :one', ExpressionAttributeValues: { ':one': N(1) } } },
        {
          ConditionCheck: {
            TableName: TABLE,
            Key: key('why-none'),
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ]),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...key('why-a'), n: N(1) } },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, ConditionalCheckFailed, None, ConditionalCheckFailed]',
    );
    expect(await get('why-c')).toEqual({ ...key('why-c'), n: N(3) });
  });

  it('undoes the actions already applied when a later one is refused while applying (a ValidationError reason)', async () => {
    await put('undo-b', { n: N(1) });
    await put('undo-c', { s: S('text') });
    const error = await failure(
      transact([
        { Put: { TableName: TABLE, Item: { ...key('undo-a'), n: N(1) } } },
        { Update: { TableName: TABLE, Key: key('undo-b'), UpdateExpression: 'SET n = :two', ExpressionAttributeValues: { ':two': N(2) } } },
        { Delete: { TableName: TABLE, Key: key('undo-d') } },
        // Adding a number to a string: found only when the update is applied to the item.
        {
          Update: {
            TableName: TABLE,
            Key: key('undo-c'),
            UpdateExpression: 'SET s = s + :one',
            ExpressionAttributeValues: { ':one': N(1) },
          },
        },
      ]),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'None' },
      { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' },
    ]);
    expect(await get('undo-a')).toBeUndefined();
    expect(await get('undo-b')).toEqual({ ...key('undo-b'), n: N(1) });
    expect(await get('undo-c')).toEqual({ ...key('undo-c'), s: S('text') });
  });

  it('takes 100 actions and refuses 101', async () => {
    const puts = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, index): TransactWriteItem => ({ Put: { TableName: TABLE, Item: key(`${prefix}-${index}`) } }));
    await transact(puts(100, 'hundred'));
    expect(await get('hundred-99')).toEqual(key('hundred-99'));
    const error = await failure(transact(puts(101, 'too-many')));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /^1 validation error detected: Value '\[.+\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
    expect(await get('too-many-0')).toBeUndefined();
  });

  it('refuses an empty transaction', async () => {
    const error = await failure(transact([]));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('refuses two actions on one item', async () => {
    const error = await failure(
      transact([
        { ConditionCheck: { TableName: TABLE, Key: key('twice'), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: TABLE, Item: { ...key('twice'), n: N(1) } } },
      ]),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
    expect(await get('twice')).toBeUndefined();
    // The same key in two tables is two items.
    await transact([{ Put: { TableName: TABLE, Item: key('twice') } }, { Put: { TableName: OTHER, Item: key('twice') } }]);
  });

  it('refuses more than 4 MB of items', async () => {
    const big = S('x'.repeat(390 * 1024));
    const error = await failure(
      transact(
        Array.from({ length: 11 }, (_, index): TransactWriteItem => ({ Put: { TableName: TABLE, Item: { ...key(`big-${index}`), big } } })),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/4 MB/);
    expect(await get('big-0')).toBeUndefined();
  });

  it('refuses lists and maps nested deeper than 32, and answers a request nested thousands deep with a 400', async () => {
    const nested = (depth: number): AttributeValue =>
      depth === 0 ? S('x') : depth % 2 ? { L: [nested(depth - 1)] } : { M: { m: nested(depth - 1) } };
    await transact([{ Put: { TableName: TABLE, Item: { ...key('nested-32'), deep: nested(32) } } }]);
    expect(await get('nested-32')).toEqual({ ...key('nested-32'), deep: nested(32) });
    const tooDeep = await failure(transact([{ Put: { TableName: TABLE, Item: { ...key('nested-33'), deep: nested(33) } } }]));
    expect(tooDeep.name).toBe('ValidationException');
    expect(tooDeep.message).toBe('Nesting Levels have exceeded supported limits');
    const thousands = `${'{"L":['.repeat(5000)}{"S":"x"}${']}'.repeat(5000)}`;
    for (const [operation, body] of [
      ['TransactWriteItems', `{"TransactItems":[{"Put":{"TableName":"${TABLE}","Item":{"pk":{"S":"a"},"d":${thousands}}}}]}`],
      ['TransactWriteItems', `{"TransactItems":${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['PutItem', `{"TableName":"${TABLE}","Item":{"pk":{"S":"a"},"d":${thousands}},"ReturnValuesOnConditionCheckFailure":"ALL_OLD"}`],
    ] as const)
      expect(await raw(operation, body)).toMatchObject({ status: 400 });
    expect(await get('a')).toBeUndefined();
  });

  it('refuses an unknown table, and a missing or ill-typed key', async () => {
    const unknown = await failure(transact([{ Put: { TableName: 'no-such-table', Item: key('x') } }]));
    expect(unknown).toBeInstanceOf(ResourceNotFoundException);
    expect(unknown.message).toBe('Requested resource not found');

    const wrongType = await failure(
      transact([{ Put: { TableName: TABLE, Item: key('ill-a') } }, { Delete: { TableName: TABLE, Key: { pk: N(1) } } }]),
    );
    expect(wrongType).toBeInstanceOf(TransactionCanceledException);
    expect((wrongType as TransactionCanceledException).CancellationReasons?.map(({ Code }) => Code)).toEqual(['None', 'ValidationError']);
    expect(await get('ill-a')).toBeUndefined();
  });

  it('applies a request with a ClientRequestToken once: the same request again succeeds without applying it again', async () => {
    const request = [increment('token-counter')];
    await transact(request, 'token-1');
    await transact(request, 'token-1');
    expect(await get('token-counter')).toEqual({ ...key('token-counter'), n: N(1) });

    const error = await failure(transact([increment('token-other')], 'token-1'));
    expect(error).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await get('token-other')).toBeUndefined();

    // Another token is another request.
    await transact(request, 'token-2');
    expect(await get('token-counter')).toEqual({ ...key('token-counter'), n: N(2) });
  });

  it('does not remember the token of a cancelled transaction', async () => {
    const request = [
      { ...increment('token-retry'), Update: { ...increment('token-retry').Update!, ConditionExpression: 'attribute_exists(pk)' } },
    ];
    expect(await failure(transact(request, 'token-retry'))).toBeInstanceOf(TransactionCanceledException);
    await put('token-retry', { n: N(0) });
    await transact(request, 'token-retry');
    expect(await get('token-retry')).toEqual({ ...key('token-retry'), n: N(1) });
  });
});

describe('TransactGetItems', () => {
  it('reads items of several tables in order, with projections; a missing item is an empty response', async () => {
    await put('read-a', { n: N(1), m: N(2) });
    await put('read-b', { n: N(3) }, OTHER);
    const { Responses } = await client.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: TABLE, Key: key('read-a'), ProjectionExpression: '#m', ExpressionAttributeNames: { '#m': 'm' } } },
          { Get: { TableName: TABLE, Key: key('read-missing') } },
          { Get: { TableName: OTHER, Key: key('read-b') } },
        ],
      }),
    );
    expect(Responses?.map((response) => response.Item)).toEqual([{ m: N(2) }, undefined, { ...key('read-b'), n: N(3) }]);
  });

  it('refuses more than 100 reads, and two reads of one item', async () => {
    const gets = (count: number) => Array.from({ length: count }, (_, index) => ({ Get: { TableName: TABLE, Key: key(`g-${index}`) } }));
    expect((await client.send(new TransactGetItemsCommand({ TransactItems: gets(100) }))).Responses).toHaveLength(100);
    const tooMany = await failure(client.send(new TransactGetItemsCommand({ TransactItems: gets(101) })));
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/Member must have length less than or equal to 100$/);
    const twice = await failure(client.send(new TransactGetItemsCommand({ TransactItems: [...gets(1), ...gets(1)] })));
    expect(twice.message).toBe('Transaction request cannot include multiple operations on one item');
  });
});

describe('ReturnValuesOnConditionCheckFailure on single writes', () => {
  it('gives the current item with a ConditionalCheckFailedException when ALL_OLD, not otherwise', async () => {
    await put('single', { n: N(1) });
    const asked = await failure(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...key('single'), n: N(2) },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    expect(asked).toBeInstanceOf(ConditionalCheckFailedException);
    expect(asked.message).toBe('The conditional request failed');
    expect((asked as ConditionalCheckFailedException).Item).toEqual({ ...key('single'), n: N(1) });

    const update = await failure(
      client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('single'),
          UpdateExpression: 'SET n = :three',
          ConditionExpression: 'n = :three',
          ExpressionAttributeValues: { ':three': N(3) },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    expect((update as ConditionalCheckFailedException).Item).toEqual({ ...key('single'), n: N(1) });

    const notAsked = await failure(
      client.send(new PutItemCommand({ TableName: TABLE, Item: key('single'), ConditionExpression: 'attribute_not_exists(pk)' })),
    );
    expect(notAsked).toBeInstanceOf(ConditionalCheckFailedException);
    expect((notAsked as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(await get('single')).toEqual({ ...key('single'), n: N(1) });

    // A write whose condition holds is a write as before.
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key('single-new') },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    expect(await get('single-new')).toEqual(key('single-new'));
  });
});

describe('atomicity under concurrency', () => {
  it('50 concurrent conditional increments (n < 10) give exactly 10 successes and n = 10', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        transact([
          increment('race', 'attribute_not_exists(n) OR n < :ten'),
          { Put: { TableName: OTHER, Item: { ...key(`race-log-${index}`) }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ]),
      ),
    );
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    expect(refused.every((error) => error instanceof TransactionCanceledException)).toBe(true);
    expect(await get('race')).toEqual({ ...key('race'), n: N(10) });
    const logs = await client.send(
      new ScanCommand({
        TableName: OTHER,
        FilterExpression: 'begins_with(pk, :log)',
        ExpressionAttributeValues: { ':log': S('race-log-') },
      }),
    );
    expect(logs.Count).toBe(10);
  });

  it('checks each ConditionCheck and applies the writes as one step: of two crossed transactions, one wins', async () => {
    // Each transaction checks the item the other one writes (write skew): run one after the other,
    // the second finds its condition broken; both succeeding would mean both checked before either wrote.
    const rounds = Array.from({ length: 20 }, (_, round) => round);
    for (const round of rounds)
      await transact([
        { Put: { TableName: TABLE, Item: { ...key(`skew-a-${round}`), v: N(0) } } },
        { Put: { TableName: OTHER, Item: { ...key(`skew-b-${round}`), v: N(0) } } },
      ]);
    const crossed = (check: string, write: string): Promise<boolean> =>
      transact([
        {
          ConditionCheck: {
            TableName: check.startsWith('skew-a') ? TABLE : OTHER,
            Key: key(check),
            ConditionExpression: 'v = :zero',
            ExpressionAttributeValues: { ':zero': N(0) },
          },
        },
        {
          Update: {
            TableName: write.startsWith('skew-a') ? TABLE : OTHER,
            Key: key(write),
            UpdateExpression: 'SET v = :one',
            ExpressionAttributeValues: { ':one': N(1) },
          },
        },
      ]).then(
        () => true,
        (error: Error) => {
          expect(error).toBeInstanceOf(TransactionCanceledException);
          return false;
        },
      );
    const winners = await Promise.all(
      rounds.map(
        async (round) =>
          (await Promise.all([crossed(`skew-a-${round}`, `skew-b-${round}`), crossed(`skew-b-${round}`, `skew-a-${round}`)])).filter(
            Boolean,
          ).length,
      ),
    );
    expect(winners).toEqual(rounds.map(() => 1));
  });

  it('a concurrent reader never sees a transaction half-applied', async () => {
    await transact([
      { Put: { TableName: TABLE, Item: { ...key('pair-a'), v: N(0) } } },
      { Put: { TableName: OTHER, Item: { ...key('pair-b'), v: N(0) } } },
    ]);
    let writing = true;
    const writer = (async () => {
      for (let version = 1; version <= 40; version++)
        await transact([
          {
            Update: {
              TableName: TABLE,
              Key: key('pair-a'),
              UpdateExpression: 'SET v = :v',
              ExpressionAttributeValues: { ':v': N(version) },
            },
          },
          { Put: { TableName: OTHER, Item: { ...key('pair-b'), v: N(version) } } },
        ]);
      writing = false;
    })();
    const seen: [string | undefined, string | undefined][] = [];
    const reader = async () => {
      while (writing) {
        const { Responses } = await client.send(
          new TransactGetItemsCommand({
            TransactItems: [{ Get: { TableName: TABLE, Key: key('pair-a') } }, { Get: { TableName: OTHER, Key: key('pair-b') } }],
          }),
        );
        seen.push([Responses?.[0]?.Item?.v?.N, Responses?.[1]?.Item?.v?.N]);
      }
    };
    await Promise.all([writer, reader(), reader()]);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter(([a, b]) => a !== b)).toEqual([]);
    expect(new Set(seen.map(([a]) => a)).size).toBeGreaterThan(1);
  });
});

describe('pause and resume (failure drills)', () => {
  it('pausing lets the transaction under way finish and drops the waiting ones: never half a transaction', async () => {
    const attempts = Array.from({ length: 30 }, (_, index) =>
      transact([increment('pause-counter'), { Put: { TableName: OTHER, Item: key(`pause-log-${index}`) } }]).then(
        () => true,
        () => false,
      ),
    );
    await Promise.race(attempts); // the rest are under way or waiting for the lock
    await dynamodb.pause();
    const succeeded = (await Promise.all(attempts)).filter(Boolean).length;
    await dynamodb.resume();
    const counter = Number((await get('pause-counter'))?.n?.N ?? 0);
    const logs = await client.send(
      new ScanCommand({
        TableName: OTHER,
        FilterExpression: 'begins_with(pk, :log)',
        ExpressionAttributeValues: { ':log': S('pause-log-') },
      }),
    );
    expect(logs.Count).toBe(counter);
    // An answer lost to the pause may hide a transaction that was applied: never the other way round.
    expect(counter).toBeGreaterThanOrEqual(succeeded);
    expect(counter).toBeLessThan(30);
  });
});

/** A raw request to the local DynamoDB, as a hostile client would send it. */
async function raw(operation: string, body: string): Promise<{ status: number; type: string; message: string }> {
  const response = await fetch(dynamodb.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': '20260101T000000Z',
    },
    body,
  });
  const answer = (await response.json().catch(() => ({}))) as { __type?: string; message?: string; Message?: string };
  return {
    status: response.status,
    type: String(answer.__type ?? '').split('#')[1] ?? '',
    message: answer.message ?? answer.Message ?? '',
  };
}

describe('malformed transactions', () => {
  it.each([
    ['not JSON', 'TransactWriteItems', 'SerializationException', '{"TransactItems": ['],
    ['JSON null', 'TransactWriteItems', 'SerializationException', 'null'],
    ['a JSON array', 'TransactWriteItems', 'SerializationException', '[1, 2]'],
    ['no TransactItems', 'TransactWriteItems', 'ValidationException', '{}'],
    ['TransactItems not a list', 'TransactWriteItems', 'SerializationException', '{"TransactItems": {"Put": {}}}'],
    ['TransactItems a string', 'TransactWriteItems', 'SerializationException', '{"TransactItems": "all"}'],
    ['an action that is not an object', 'TransactWriteItems', 'SerializationException', '{"TransactItems": [1]}'],
    ['an empty action', 'TransactWriteItems', 'ValidationException', '{"TransactItems": [{}]}'],
    [
      'two kinds in one action',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"Put": {"TableName": "${TABLE}", "Item": {"pk": {"S": "a"}}}, "Delete": {"TableName": "${TABLE}", "Key": {"pk": {"S": "b"}}}}]}`,
    ],
    ['a Put without an item', 'TransactWriteItems', 'ValidationException', `{"TransactItems": [{"Put": {"TableName": "${TABLE}"}}]}`],
    ['a Put without a table', 'TransactWriteItems', 'ValidationException', '{"TransactItems": [{"Put": {"Item": {"pk": {"S": "a"}}}}]}'],
    [
      'an Update without an expression',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"Update": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}}}]}`,
    ],
    [
      'a ConditionCheck without a condition',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"ConditionCheck": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}}}]}`,
    ],
    [
      'a bad condition expression',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"Delete": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}, "ConditionExpression": "((("}}]}`,
    ],
    [
      'an attribute value of the wrong JSON type',
      'TransactWriteItems',
      'SerializationException',
      `{"TransactItems": [{"Put": {"TableName": "${TABLE}", "Item": {"pk": {"S": 1}}}}]}`,
    ],
    [
      'an empty attribute value',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"Put": {"TableName": "${TABLE}", "Item": {"pk": {}}}}]}`,
    ],
    [
      'an unknown table',
      'TransactWriteItems',
      'ResourceNotFoundException',
      '{"TransactItems": [{"Delete": {"TableName": "nope-table", "Key": {"pk": {"S": "a"}}}}]}',
    ],
    [
      'a bad table name',
      'TransactWriteItems',
      'ValidationException',
      '{"TransactItems": [{"Delete": {"TableName": "a", "Key": {"pk": {"S": "a"}}}}]}',
    ],
    [
      'a key attribute as a list',
      'TransactWriteItems',
      'TransactionCanceledException',
      `{"TransactItems": [{"Delete": {"TableName": "${TABLE}", "Key": {"pk": {"L": []}}}}]}`,
    ],
    [
      'a bad ReturnValuesOnConditionCheckFailure',
      'TransactWriteItems',
      'ValidationException',
      `{"TransactItems": [{"Delete": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}, "ReturnValuesOnConditionCheckFailure": "ALL_NEW"}}]}`,
    ],
    [
      'a ClientRequestToken too long',
      'TransactWriteItems',
      'ValidationException',
      `{"ClientRequestToken": "${'t'.repeat(37)}", "TransactItems": [{"Delete": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}}}]}`,
    ],
    [
      'a ClientRequestToken that is a number',
      'TransactWriteItems',
      'SerializationException',
      `{"ClientRequestToken": 5, "TransactItems": [{"Delete": {"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}}}]}`,
    ],
    ['JSON null', 'TransactGetItems', 'SerializationException', 'null'],
    ['a Get of nothing', 'TransactGetItems', 'ValidationException', '{"TransactItems": [{}]}'],
    ['a Get without a key', 'TransactGetItems', 'ValidationException', `{"TransactItems": [{"Get": {"TableName": "${TABLE}"}}]}`],
    [
      'a Get of an unknown table',
      'TransactGetItems',
      'ResourceNotFoundException',
      '{"TransactItems": [{"Get": {"TableName": "nope-table", "Key": {"pk": {"S": "a"}}}}]}',
    ],
    [
      'a bad ReturnValuesOnConditionCheckFailure',
      'PutItem',
      'ValidationException',
      `{"TableName": "${TABLE}", "Item": {"pk": {"S": "a"}}, "ReturnValuesOnConditionCheckFailure": "SOME"}`,
    ],
    [
      'a ReturnValuesOnConditionCheckFailure that is a list',
      'DeleteItem',
      'SerializationException',
      `{"TableName": "${TABLE}", "Key": {"pk": {"S": "a"}}, "ReturnValuesOnConditionCheckFailure": []}`,
    ],
  ])('answers %s (%s) with 400 %s', async (_name, operation, type, body) => {
    const answer = await raw(operation, body);
    expect(answer).toMatchObject({ status: 400, type });
  });

  it('names the member at fault as AWS does', async () => {
    const answer = await raw('TransactWriteItems', '{"TransactItems": [{"Put": {"Item": {"pk": {"S": "a"}}}}]}');
    expect(answer.message).toBe(
      "1 validation error detected: Value null at 'transactItems.1.member.put.tableName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('keeps answering after them', async () => {
    await put('still-here');
    expect(await get('still-here')).toEqual(key('still-here'));
  });
});

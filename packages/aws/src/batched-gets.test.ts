import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { BatchedGets } from '#lib/batched-gets';

const TABLE = 'photos-test';
const ddb = mockClient(DynamoDBDocumentClient);
const gets = () => new BatchedGets(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), TABLE);
const key = (sk: string) => ({ pk: 'EVENT#summit-2026', sk });

beforeEach(() => ddb.reset());

describe('BatchedGets', () => {
  it('reads one key alone with a consistent GetItem', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...key('EVENT'), name: 'Summit' } });
    await expect(gets().get(key('EVENT'))).resolves.toEqual({ ...key('EVENT'), name: 'Summit' });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toEqual({ TableName: TABLE, Key: key('EVENT'), ConsistentRead: true });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('sends the gets started together as one consistent BatchGetItem, each answered with its own item', async () => {
    ddb.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { ...key('PHOTO#b'), title: 'B' },
          { ...key('EVENT'), name: 'Summit' },
        ],
      },
    });
    const store = gets();
    const [event, missing, photo] = await Promise.all([store.get(key('EVENT')), store.get(key('UPLOAD#a')), store.get(key('PHOTO#b'))]);
    expect(event).toEqual({ ...key('EVENT'), name: 'Summit' });
    expect(missing).toBeUndefined();
    expect(photo).toEqual({ ...key('PHOTO#b'), title: 'B' });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input)).toEqual([
      { RequestItems: { [TABLE]: { Keys: [key('EVENT'), key('UPLOAD#a'), key('PHOTO#b')], ConsistentRead: true } } },
    ]);
  });

  it('lists a key asked for twice once (BatchGetItem refuses duplicates) and answers both', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ ...key('EVENT'), name: 'Summit' }] } });
    const store = gets();
    const both = await Promise.all([store.get(key('EVENT')), store.get(key('EVENT'))]);
    expect(both).toEqual([
      { ...key('EVENT'), name: 'Summit' },
      { ...key('EVENT'), name: 'Summit' },
    ]);
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems![TABLE]!.Keys).toEqual([key('EVENT')]);
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [{ ...key('EVENT') }] },
        UnprocessedKeys: { [TABLE]: { Keys: [key('PHOTO#b')], ConsistentRead: true } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [{ ...key('PHOTO#b'), title: 'B' }] } });
    const store = gets();
    const [, photo] = await Promise.all([store.get(key('EVENT')), store.get(key('PHOTO#b'))]);
    expect(photo).toEqual({ ...key('PHOTO#b'), title: 'B' });
    expect(ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems![TABLE]!.Keys).toEqual([key('PHOTO#b')]);
  });

  it('fails every get of a batch whose request failed, and the next batch goes out afresh', async () => {
    ddb.on(BatchGetCommand).rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const store = gets();
    const failed = await Promise.allSettled([store.get(key('EVENT')), store.get(key('PHOTO#b'))]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ProvisionedThroughputExceededException);
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    await expect(Promise.all([store.get(key('EVENT')), store.get(key('PHOTO#b'))])).resolves.toEqual([undefined, undefined]);
  });

  it('splits more than 100 keys into BatchGetItem requests of at most 100', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    const store = gets();
    await Promise.all(Array.from({ length: 150 }, (_, n) => store.get(key(`PHOTO#${n}`))));
    expect(ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems![TABLE]!.Keys!.length)).toEqual([100, 50]);
  });
});

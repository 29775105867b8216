import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type ItemKey = { pk: string; sk: string };
type Item = Record<string, unknown>;

interface Waiting {
  key: ItemKey;
  resolve(item: Item | undefined): void;
  reject(error: unknown): void;
}

/** BatchGetItem's limit per request. */
const MAX_KEYS = 100;
/** UnprocessedKeys (throttling) are asked for again this many times, after a short wait each. */
const UNPROCESSED_RETRY_MS = [25, 50, 100, 200, 400];

const idOf = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consistent reads of one table, coalesced. The gets a caller starts together (a handler's
 * Promise.all of independent reads) go out as one BatchGetItem: one round trip, the same read
 * units as separate GetItems. A get alone stays a GetItem.
 */
export class BatchedGets {
  private queue: Waiting[] = [];

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  get(key: ItemKey): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      // Flushed once the caller's synchronous code is done, with every get it started meanwhile.
      if (this.queue.push({ key, resolve, reject }) === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.queue.splice(0);
    for (let start = 0; start < waiting.length; start += MAX_KEYS) {
      void this.read(waiting.slice(start, start + MAX_KEYS));
    }
  }

  private async read(waiting: Waiting[]): Promise<void> {
    try {
      const items = waiting.length === 1 ? await this.getOne(waiting[0]!.key) : await this.getMany(waiting.map((entry) => entry.key));
      for (const entry of waiting) entry.resolve(items.get(idOf(entry.key)));
    } catch (error) {
      for (const entry of waiting) entry.reject(error);
    }
  }

  private async getOne(key: ItemKey): Promise<Map<string, Item>> {
    const { Item: item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return new Map(item ? [[idOf(key), item]] : []);
  }

  private async getMany(keys: ItemKey[]): Promise<Map<string, Item>> {
    // BatchGetItem refuses a key listed twice.
    let pending = [...new Map(keys.map((key) => [idOf(key), key])).values()];
    const items = new Map<string, Item>();
    for (let round = 0; ; round++) {
      const answer = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[this.tableName] ?? []) items.set(idOf(item as ItemKey), item);
      pending = (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as ItemKey[];
      if (pending.length === 0) return items;
      const wait = UNPROCESSED_RETRY_MS[round];
      if (wait === undefined)
        throw new Error(`DynamoDB left ${pending.length} key(s) unprocessed after ${round + 1} BatchGetItem requests`);
      await sleep(wait);
    }
  }
}

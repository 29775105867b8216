import {
  type Answer,
  type AttributeValue,
  answerOf,
  type CallDynalite,
  db,
  errorAnswer,
  errorName,
  type Item,
  isDynaliteError,
  jsonAnswer,
  operationValidations,
  parseAnswer,
  type Table,
  type TypeTree,
  VALIDATION_STORE,
  validations,
} from '#lib/dynamodb-dynalite';

// DynamoDB's transactions (TransactWriteItems, TransactGetItems) and ReturnValuesOnConditionCheckFailure,
// which dynalite 4 lacks, built on dynalite's own operations, validations and condition evaluation.
// Atomicity comes from the caller (dynamodb-front.ts): these functions run while it holds its lock,
// exclusively for a TransactWriteItems, so nothing else reads or writes between their steps.

/** DynamoDB's limits for one transaction. */
const MAX_ACTIONS = 100;
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;
/** How long DynamoDB remembers a ClientRequestToken after the request that used it. */
const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

const CONDITION_FAILED = 'The conditional request failed';
const MULTIPLE_OPERATIONS = 'Transaction request cannot include multiple operations on one item';
const TOO_LARGE = 'Transaction request cannot include more than 4 MB of data';
const NOT_FOUND = 'Requested resource not found';
const TOO_DEEP = 'Nesting Levels have exceeded supported limits';
/** DynamoDB nests lists and maps 32 deep at most; a request as JSON is then well under 100 deep. */
const MAX_NESTING = 32;
const MAX_JSON_DEPTH = 100;

type Reason = { Code: string; Message?: string; Item?: Item };
const NONE: Reason = { Code: 'None' };

const { putItem, updateItem, deleteItem, getItem } = operationValidations;
const RETURN_VALUES_ON_CONDITION_CHECK_FAILURE = { type: 'String', enum: ['ALL_OLD', 'NONE'] };
const pick = (types: TypeTree, names: string[], extra: TypeTree = {}): TypeTree => ({
  ...Object.fromEntries(names.map((name) => [name, types[name]])),
  ...extra,
});
const required = (type: unknown) => ({ ...(type as object), notNull: true });
const CONDITIONAL = ['TableName', 'ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'];
const returnValues = { ReturnValuesOnConditionCheckFailure: RETURN_VALUES_ON_CONDITION_CHECK_FAILURE };

/** The four actions of TransactWriteItems: their members (as in the API), and the operation that applies them. */
const WRITE_KINDS = {
  Put: { operation: 'PutItem', validation: putItem, members: pick(putItem.types, ['Item', ...CONDITIONAL], returnValues) },
  Update: {
    operation: 'UpdateItem',
    validation: updateItem,
    members: pick(updateItem.types, ['Key', ...CONDITIONAL], {
      UpdateExpression: required(updateItem.types.UpdateExpression),
      ...returnValues,
    }),
  },
  Delete: { operation: 'DeleteItem', validation: deleteItem, members: pick(deleteItem.types, ['Key', ...CONDITIONAL], returnValues) },
  ConditionCheck: {
    operation: undefined,
    validation: deleteItem,
    members: pick(deleteItem.types, ['Key', ...CONDITIONAL], {
      ConditionExpression: required(deleteItem.types.ConditionExpression),
      ...returnValues,
    }),
  },
} as const;
type WriteKind = keyof typeof WRITE_KINDS;

const transactItems = (member: string, children: TypeTree) => ({
  type: 'List',
  notNull: true,
  lengthGreaterThanOrEqual: 1,
  children: { type: `ValueStruct<${member}>`, children },
});

const TRANSACT_WRITE_TYPES: TypeTree = {
  TransactItems: transactItems(
    'TransactWriteItem',
    Object.fromEntries(
      Object.entries(WRITE_KINDS).map(([kind, { members }]) => [kind, { type: `ValueStruct<${kind}>`, children: members }]),
    ),
  ),
  ClientRequestToken: { type: 'String', lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 36 },
  ReturnConsumedCapacity: putItem.types.ReturnConsumedCapacity,
  ReturnItemCollectionMetrics: putItem.types.ReturnItemCollectionMetrics,
};

const TRANSACT_GET_TYPES: TypeTree = {
  TransactItems: transactItems('TransactGetItem', {
    Get: {
      type: 'ValueStruct<Get>',
      notNull: true,
      children: pick(getItem.types, ['Key', 'TableName', 'ProjectionExpression', 'ExpressionAttributeNames']),
    },
  }),
  ReturnConsumedCapacity: getItem.types.ReturnConsumedCapacity,
};

type Data = Record<string, unknown>;

/** One action of a transaction, once its table is known. */
interface Target {
  data: Data;
  table: Table;
  /** The item's key attributes, or undefined when they do not fit the table (then `invalid` says why). */
  key?: Item;
  invalid?: string;
  /** The item as it was before the transaction (undefined: there was none). */
  old?: Item | undefined;
}

interface WriteTarget extends Target {
  kind: WriteKind;
}

/**
 * Checks the JSON types and constraints of a whole Transact* request as dynalite checks its own
 * operations, which gives AWS's messages and paths (`transactItems.1.member.put.tableName`).
 */
function checkRequest(input: unknown, types: TypeTree, member: string): { data: Data } | { refused: Answer } {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { refused: errorAnswer('SerializationException', 'Start of structure or map found where not expected') };
  // dynalite's checks recurse: a request nested thousands deep would overflow the stack.
  if (jsonDepth(input) > MAX_JSON_DEPTH) return { refused: errorAnswer('ValidationException', TOO_DEEP) };
  const items = (input as Data).TransactItems;
  if (Array.isArray(items) && items.length > MAX_ACTIONS) {
    // AWS writes the list out as Java object names; so does this (rather than megabytes of items).
    const value = items.map((_, index) => `com.amazonaws.dynamodb.v20120810.${member}@${index.toString(16)}`).join(', ');
    return {
      refused: errorAnswer(
        'ValidationException',
        `1 validation error detected: Value '[${value}]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS}`,
      ),
    };
  }
  try {
    const data = validations.checkTypes(input, types);
    validations.checkValidations(data, types);
    return { data };
  } catch (error) {
    if (isDynaliteError(error)) return { refused: answerOf(error) };
    throw error;
  }
}

/** Runs an operation's own checks (expressions parsed into `_condition`, `_updates`, `_projection`), and DynamoDB's nesting limit. */
function checkAction(validation: { custom(data: Data, store: unknown): string | undefined }, data: Data): Answer | undefined {
  const invalid = validation.custom(data, VALIDATION_STORE);
  if (invalid) return errorAnswer('ValidationException', invalid);
  const values = [data.Item, data.Key, data.ExpressionAttributeValues].flatMap((map) => Object.values((map ?? {}) as Item));
  if (values.some((value) => nesting(value) > MAX_NESTING)) return errorAnswer('ValidationException', TOO_DEEP);
  return undefined;
}

/** The depth of a JSON value, without recursion. */
function jsonDepth(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (!node || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** How deep lists and maps nest in an attribute value (a scalar: 0). */
function nesting(value: AttributeValue): number {
  const children = Array.isArray(value.L) ? value.L : value.M && typeof value.M === 'object' ? Object.values(value.M) : [];
  if (!value.L && !value.M) return 0;
  return 1 + children.reduce((deepest: number, child) => Math.max(deepest, nesting(child as AttributeValue)), 0);
}

/**
 * Finds each action's table (ResourceNotFoundException for one that does not exist), checks its key
 * against the table (a key that does not fit is a ValidationError reason, as on AWS), and refuses
 * two actions on one item.
 */
async function resolveTargets<T extends { data: Data }>(
  call: CallDynalite,
  actions: T[],
  keySource: (action: T) => { item: Item; whole: boolean },
): Promise<(T & Target)[] | Answer> {
  const tables = new Map<string, Table>();
  for (const name of new Set(actions.map(({ data }) => data.TableName as string))) {
    const described = await call('DescribeTable', { TableName: name });
    const table = parseAnswer(described).Table as Table | undefined;
    if (errorName(described) === 'ResourceNotFoundException' || (table && /^(CREATING|DELETING)$/.test(table.TableStatus)))
      return errorAnswer('ResourceNotFoundException', NOT_FOUND);
    if (described.status !== 200 || !table) return described;
    tables.set(name, table);
  }
  const seen = new Set<string>();
  const targets: (T & Target)[] = [];
  for (const action of actions) {
    const table = tables.get(action.data.TableName as string)!;
    const { item: source, whole } = keySource(action);
    const invalid = whole ? db.validateItem(source, table) : db.validateKey(source, table);
    if (invalid) {
      targets.push({ ...action, table, invalid: invalid.body.message ?? invalid.message });
      continue;
    }
    const id = `${table.TableName}\u0000${db.createKey(source, table)}`;
    if (seen.has(id)) return errorAnswer('ValidationException', MULTIPLE_OPERATIONS);
    seen.add(id);
    targets.push({ ...action, table, key: keyOf(source, table) });
  }
  return targets;
}

const keyOf = (item: Item, table: Table): Item =>
  Object.fromEntries(table.KeySchema.map(({ AttributeName }) => [AttributeName, item[AttributeName]!]));

/** Reads the item (consistently) through dynalite; an answer when that fails. */
async function readItem(call: CallDynalite, request: Data): Promise<{ item: Item | undefined } | Answer> {
  const answer = await call('GetItem', { ...request, ConsistentRead: true });
  if (answer.status !== 200) return answer;
  return { item: parseAnswer(answer).Item as Item | undefined };
}
const isAnswer = (value: object): value is Answer => 'status' in value && 'body' in value;

/** The members of an action that its single-item operation takes (no parsed expressions, no return values). */
const requestOf = (data: Data): Data =>
  Object.fromEntries(Object.entries(data).filter(([name]) => !name.startsWith('_') && name !== 'ReturnValuesOnConditionCheckFailure'));

function cancelled(reasons: Reason[]): Answer {
  return jsonAnswer(400, {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map(({ Code }) => Code).join(', ')}]`,
    CancellationReasons: reasons,
  });
}

function conditionFailed(data: Data, old: Item | undefined): Reason {
  const withItem = data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old;
  return { Code: 'ConditionalCheckFailed', Message: CONDITION_FAILED, ...(withItem ? { Item: old } : {}) };
}

/** ClientRequestToken: the tokens of the successful TransactWriteItems of the last ten minutes. */
export class IdempotencyTokens {
  private readonly used = new Map<string, { fingerprint: string; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** 'again' for the same request with the same token, 'mismatch' for another request with it. */
  check(token: string, fingerprint: string): 'again' | 'mismatch' | undefined {
    const now = this.now();
    for (const [used, { until }] of this.used) if (until <= now) this.used.delete(used);
    const known = this.used.get(token);
    if (!known) return undefined;
    return known.fingerprint === fingerprint ? 'again' : 'mismatch';
  }

  remember(token: string, fingerprint: string): void {
    this.used.set(token, { fingerprint, until: this.now() + IDEMPOTENCY_WINDOW_MS });
  }
}

/** JSON with the members of every object in one order: the same request gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson((value as Data)[name])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * TransactWriteItems: every condition is evaluated (by dynalite's own evaluator) against the items
 * as they are before any change; if one fails nothing is written and the answer gives a reason per
 * action, in order. Otherwise the actions are applied one by one through dynalite's PutItem,
 * UpdateItem and DeleteItem; if one is refused there (an update that does not fit the item, an item
 * grown past 400 KB), the actions already applied are undone by writing back the items as they were.
 */
export async function transactWriteItems(input: unknown, call: CallDynalite, tokens: IdempotencyTokens): Promise<Answer> {
  const checked = checkRequest(input, TRANSACT_WRITE_TYPES, 'TransactWriteItem');
  if ('refused' in checked) return checked.refused;
  const { ClientRequestToken: token, ReturnConsumedCapacity: _capacity, ...request } = checked.data;
  const fingerprint = canonicalJson(request);
  const actions: { kind: WriteKind; data: Data }[] = [];
  for (const member of request.TransactItems as Data[]) {
    const kinds = Object.keys(member).filter((name): name is WriteKind => name in WRITE_KINDS);
    if (kinds.length !== 1) return errorAnswer('ValidationException', 'TransactItems can only contain one of Check, Put, Update or Delete');
    const kind = kinds[0]!;
    const data = member[kind] as Data;
    const refused = checkAction(WRITE_KINDS[kind].validation, data);
    if (refused) return refused;
    actions.push({ kind, data });
  }

  const targets = await resolveTargets(call, actions, ({ kind, data }) => ({
    item: (kind === 'Put' ? data.Item : data.Key) as Item,
    whole: kind === 'Put',
  }));
  if (isAnswer(targets)) return targets;
  for (const { kind, data, table, key } of targets) {
    const refused = kind === 'Update' && key ? db.validateUpdates(undefined, data._updates, table) : undefined;
    if (refused) return answerOf(refused);
  }
  const size = targets.reduce((sum, { kind, data }) => sum + db.itemSize((kind === 'Put' ? data.Item : data.Key) as Item), 0);
  if (size > MAX_TRANSACTION_BYTES) return errorAnswer('ValidationException', TOO_LARGE);

  if (typeof token === 'string') {
    const seen = tokens.check(token, fingerprint);
    // The same request again: it succeeded already, and is not applied twice.
    if (seen === 'again') return jsonAnswer(200, {});
    if (seen === 'mismatch')
      return errorAnswer(
        'IdempotentParameterMismatchException',
        'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
      );
  }

  for (const target of targets) {
    if (!target.key) continue;
    const read = await readItem(call, { TableName: target.table.TableName, Key: target.key });
    if (isAnswer(read)) return read;
    target.old = read.item;
  }
  const reasons = targets.map(({ data, old, invalid }): Reason => {
    if (invalid) return { Code: 'ValidationError', Message: invalid };
    return db.checkConditional(data, old) ? conditionFailed(data, old) : NONE;
  });
  if (reasons.some(({ Code }) => Code !== 'None')) return cancelled(reasons);

  const applied: WriteTarget[] = [];
  for (const [index, target] of targets.entries()) {
    const operation = WRITE_KINDS[target.kind].operation;
    if (!operation) continue;
    const answer = await call(operation, requestOf(target.data));
    if (answer.status === 200) {
      applied.push(target);
      continue;
    }
    await rollBack(call, applied);
    const name = errorName(answer);
    if (name !== 'ValidationException' && name !== 'ConditionalCheckFailedException') return answer;
    const reason: Reason =
      name === 'ValidationException'
        ? { Code: 'ValidationError', Message: String(parseAnswer(answer).message ?? '') }
        : conditionFailed(target.data, target.old);
    return cancelled(targets.map((_, other) => (other === index ? reason : NONE)));
  }
  if (typeof token === 'string') tokens.remember(token, fingerprint);
  return jsonAnswer(200, {});
}

/** Writes back, newest first, the items as they were before the transaction. */
async function rollBack(call: CallDynalite, applied: WriteTarget[]): Promise<void> {
  for (const { table, key, old } of applied.reverse()) {
    const answer = old
      ? await call('PutItem', { TableName: table.TableName, Item: old })
      : await call('DeleteItem', { TableName: table.TableName, Key: key });
    if (answer.status !== 200) throw new Error(`The local DynamoDB could not undo part of a cancelled transaction: ${answer.body}`);
  }
}

/** TransactGetItems: up to 100 consistent reads, taken together (the caller keeps writers out meanwhile). */
export async function transactGetItems(input: unknown, call: CallDynalite): Promise<Answer> {
  const checked = checkRequest(input, TRANSACT_GET_TYPES, 'TransactGetItem');
  if ('refused' in checked) return checked.refused;
  const gets = (checked.data.TransactItems as Data[]).map((member) => ({ data: member.Get as Data }));
  for (const { data } of gets) {
    const refused = checkAction(getItem, data);
    if (refused) return refused;
  }
  const targets = await resolveTargets(call, gets, ({ data }) => ({ item: data.Key as Item, whole: false }));
  if (isAnswer(targets)) return targets;
  if (targets.some(({ invalid }) => invalid))
    return cancelled(targets.map(({ invalid }) => (invalid ? { Code: 'ValidationError', Message: invalid } : NONE)));
  const responses: { Item?: Item }[] = [];
  let size = 0;
  for (const { data } of targets) {
    const read = await readItem(call, requestOf(data));
    if (isAnswer(read)) return read;
    responses.push(read.item ? { Item: read.item } : {});
    size += read.item ? db.itemSize(read.item) : 0;
  }
  if (size > MAX_TRANSACTION_BYTES) return errorAnswer('ValidationException', TOO_LARGE);
  return jsonAnswer(200, { Responses: responses });
}

const RETURN_VALUES_TYPES: TypeTree = returnValues;

/**
 * PutItem, UpdateItem or DeleteItem with ReturnValuesOnConditionCheckFailure (which dynalite
 * ignores): with ALL_OLD, a ConditionalCheckFailedException carries the item as it is. Undefined
 * when there is nothing to add to dynalite's own answer (the request is then dynalite's alone).
 */
export async function singleWrite(operation: string, input: Data, call: CallDynalite): Promise<Answer | undefined> {
  if (input.ReturnValuesOnConditionCheckFailure == null) return undefined;
  try {
    const data = validations.checkTypes(
      { ReturnValuesOnConditionCheckFailure: input.ReturnValuesOnConditionCheckFailure },
      RETURN_VALUES_TYPES,
    );
    validations.checkValidations(data, RETURN_VALUES_TYPES);
  } catch (error) {
    if (isDynaliteError(error)) return answerOf(error);
    throw error;
  }
  if (input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return undefined;
  const answer = await call(operation, input);
  if (errorName(answer) !== 'ConditionalCheckFailedException') return answer;
  // The condition failed, and the caller's lock keeps the item as it was when it did.
  let key = input.Key as Item;
  if (operation === 'PutItem') {
    const table = parseAnswer(await call('DescribeTable', { TableName: input.TableName })).Table as Table | undefined;
    if (!table) return answer;
    key = keyOf(input.Item as Item, table);
  }
  const read = await readItem(call, { TableName: input.TableName, Key: key });
  if (isAnswer(read) || !read.item) return answer;
  return jsonAnswer(answer.status, { ...parseAnswer(answer), Item: read.item });
}

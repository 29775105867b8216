import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

/** A DynamoDB attribute value (`{ S: 'x' }`, `{ N: '1' }`, …) and an item made of them. */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** What dynalite keeps of a table (DescribeTable's `Table`), as far as the key code needs it. */
export interface Table {
  TableName: string;
  TableStatus: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
}

/** An error as dynalite's validations and db make them: the HTTP status and the JSON body. */
export interface DynaliteError extends Error {
  statusCode: number;
  body: { __type: string; message?: string; Message?: string };
}

/** dynalite's type and constraint trees (see node_modules/dynalite/validations/*.js). */
export type TypeTree = Record<string, unknown>;

interface OperationValidation {
  types: TypeTree;
  custom(data: Record<string, unknown>, store: unknown): string | undefined;
}

// dynalite's own validation and expression code, reused so that a transaction's actions are
// checked and their conditions evaluated exactly as its PutItem/UpdateItem/DeleteItem do.
const require = createRequire(import.meta.url);
export const validations = require('dynalite/validations') as {
  /** Checks JSON types (SerializationException) and returns a copy without unknown members. */
  checkTypes(data: unknown, types: TypeTree): Record<string, unknown>;
  /** Checks constraints (ValidationException, with AWS's paths such as `transactItems.1.member.put.tableName`). */
  checkValidations(data: Record<string, unknown>, types: TypeTree): void;
};
export const db = require('dynalite/db') as {
  validateKey(key: Item, table: Table): DynaliteError | null | undefined;
  validateItem(item: Item, table: Table): DynaliteError | null | undefined;
  validateUpdates(attributeUpdates: undefined, expressionUpdates: unknown, table: Table): DynaliteError | null | undefined;
  createKey(item: Item, table: Table): string;
  /** Evaluates `data._condition` (a parsed ConditionExpression) against the item; an error when it fails. */
  checkConditional(data: Record<string, unknown>, item: Item | undefined): DynaliteError | null | undefined;
  itemSize(item: Item): number;
};
export const operationValidations = {
  putItem: require('dynalite/validations/putItem') as OperationValidation,
  updateItem: require('dynalite/validations/updateItem') as OperationValidation,
  deleteItem: require('dynalite/validations/deleteItem') as OperationValidation,
  getItem: require('dynalite/validations/getItem') as OperationValidation,
};
/** What dynalite's validations read of its store: the item size limit (400 KB, as on AWS). */
export const VALIDATION_STORE = { options: { maxItemSize: 400 * 1024 } };

export const isDynaliteError = (error: unknown): error is DynaliteError =>
  error instanceof Error && typeof (error as DynaliteError).statusCode === 'number' && typeof (error as DynaliteError).body === 'object';

/** One answer to a request: from dynalite (captured) or made here. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const API = 'DynamoDB_20120810';

export function jsonAnswer(status: number, body: object): Answer {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0'),
  };
  // As dynalite and DynamoDB send it (Node 22 has zlib.crc32; the SDK does not require it).
  if (typeof zlib.crc32 === 'function') headers['x-amz-crc32'] = String(zlib.crc32(text));
  return { status, headers, body: text };
}

const ERROR_NAMESPACE: Record<string, string> = {
  ValidationException: 'com.amazon.coral.validate',
  SerializationException: 'com.amazon.coral.service',
  UnknownOperationException: 'com.amazon.coral.service',
};

/** An error answer as DynamoDB words it: `__type` with its namespace, `message`, and any members of the error. */
export function errorAnswer(type: string, message: string, members: object = {}, status = 400): Answer {
  const namespace = ERROR_NAMESPACE[type] ?? 'com.amazonaws.dynamodb.v20120810';
  return jsonAnswer(status, { __type: `${namespace}#${type}`, message, ...members });
}

export const answerOf = (error: DynaliteError): Answer => jsonAnswer(error.statusCode, error.body);

/** The error name of an answer (`ConditionalCheckFailedException`), or undefined for a success. */
export function errorName(answer: Answer): string | undefined {
  if (answer.status < 300) return undefined;
  return String(parseAnswer(answer).__type ?? '')
    .split('#')
    .pop();
}

export function parseAnswer(answer: Answer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(answer.body);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function send(response: ServerResponse, answer: Answer): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

interface RequestLine {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * Gives dynalite one complete request, synchronously, so that what its handlers throw while
 * reading it can be caught (and becomes a 400 rather than the end of the process).
 */
export function replay(handlers: RequestListener[], request: RequestLine, body: Buffer, response: ServerResponse): void {
  try {
    replayInto(handlers, request, body, response);
  } catch {
    send(response, errorAnswer('SerializationException', 'Malformed request'));
  }
}

/** Resolves when the response has been sent, or its connection is gone. */
export function finished(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.writableFinished || response.destroyed) return resolve();
    response.once('finish', () => resolve());
    response.once('close', () => resolve());
  });
}

/** Calls one operation of dynalite in this process, with the client's own credentials headers. */
export type CallDynalite = (operation: string, input: object) => Promise<Answer>;

export function dynaliteCaller(handlers: RequestListener[], client: RequestLine): CallDynalite {
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...clientHeaders } = client.headers;
  return (operation, input) =>
    new Promise((resolve) => {
      const headers: Record<string, string> = {};
      // The subset of a ServerResponse that dynalite's handler uses.
      const captured = {
        statusCode: 200,
        contentType: '',
        setHeader(name: string, value: unknown) {
          headers[name.toLowerCase()] = String(value);
        },
        end(body?: string | Buffer) {
          const text = body === undefined ? '' : String(body);
          resolve({ status: captured.statusCode, headers, body: text });
        },
      };
      const request = {
        method: 'POST',
        url: client.url,
        headers: { ...clientHeaders, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${API}.${operation}` },
      };
      try {
        replayInto(handlers, request, Buffer.from(JSON.stringify(input)), captured as unknown as ServerResponse);
      } catch {
        // As for a request from outside (`replay`): what dynalite throws on (an item nested thousands deep) is refused.
        resolve(errorAnswer('SerializationException', 'Malformed request'));
      }
    });
}

function replayInto(handlers: RequestListener[], request: RequestLine, body: Buffer, response: ServerResponse): void {
  const replayed = Object.assign(new EventEmitter(), { method: request.method, url: request.url, headers: request.headers });
  for (const handler of handlers) handler(replayed as unknown as IncomingMessage, response);
  if (body.length > 0) replayed.emit('data', body);
  replayed.emit('end');
}

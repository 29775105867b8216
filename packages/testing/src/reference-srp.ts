import { createRequire } from 'node:module';

/**
 * AWS's own SRP client, amazon-cognito-identity-js (a devDependency, tests only: never in a bundle),
 * as the reference our client (packages/client/src/srp.ts) and the local SRP front
 * (packages/local-stack/src/cognito-srp.ts) are checked against.
 */

const require = createRequire(import.meta.url);

/** jsbn's BigInteger as the library uses it. */
interface ReferenceBigInteger {
  toString(radix: number): string;
}
type BigIntegerClass = new (value: string, radix: number) => ReferenceBigInteger;

interface ReferenceHelper {
  N: ReferenceBigInteger;
  g: ReferenceBigInteger;
  k: ReferenceBigInteger;
  smallAValue: ReferenceBigInteger;
  largeAValue: ReferenceBigInteger | undefined;
  UValue: ReferenceBigInteger;
  getLargeAValue(callback: (error: unknown, A: ReferenceBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    B: ReferenceBigInteger,
    salt: ReferenceBigInteger,
    callback: (error: unknown, key: Uint8Array) => void,
  ): void;
  padHex(value: ReferenceBigInteger): string;
}

type Callback = (error: unknown, data?: unknown) => void;
interface ReferenceLibrary {
  AuthenticationHelper: { new (poolName: string): ReferenceHelper; prototype: { generateRandomSmallA(): ReferenceBigInteger } };
  AuthenticationDetails: new (data: { Username: string; Password: string }) => unknown;
  CognitoUserPool: new (data: {
    UserPoolId: string;
    ClientId: string;
    endpoint?: string;
  }) => { client: { request(operation: string, params: unknown, callback: Callback): void } };
  CognitoUser: new (data: {
    Username: string;
    Pool: unknown;
  }) => {
    authenticateUser(details: unknown, callbacks: { onSuccess(session: ReferenceSession): void; onFailure(error: unknown): void }): void;
  };
  DateHelper: new () => { getNowString(): string };
}
interface ReferenceSession {
  getIdToken(): { getJwtToken(): string };
  getAccessToken(): { getJwtToken(): string };
}

const library = require('amazon-cognito-identity-js') as ReferenceLibrary;
const BigInteger = (require('amazon-cognito-identity-js/lib/BigInteger.js') as { default: BigIntegerClass }).default;

export const toReference = (value: bigint): ReferenceBigInteger => new BigInteger(value.toString(16), 16);
export const fromReference = (value: ReferenceBigInteger): bigint => BigInt(`0x${value.toString(16)}`);

/** The reference's N, g and k, and its padHex. */
export function referenceConstants(): { N: bigint; g: bigint; k: bigint; padHex(value: bigint): string } {
  const helper = new library.AuthenticationHelper('pool');
  return {
    N: fromReference(helper.N),
    g: fromReference(helper.g),
    k: fromReference(helper.k),
    padHex: (value) => helper.padHex(toReference(value)),
  };
}

/** What the reference computes from a fixed a: A, and with B and salt the HKDF key and u. */
export async function referenceKey(input: {
  poolName: string;
  userId: string;
  password: string;
  smallA: bigint;
  B: bigint;
  salt: bigint;
}): Promise<{ A: bigint; u: bigint; key: Uint8Array }> {
  const helper = new library.AuthenticationHelper(input.poolName);
  helper.smallAValue = toReference(input.smallA);
  helper.largeAValue = undefined;
  const A = await new Promise<ReferenceBigInteger>((resolve, reject) =>
    helper.getLargeAValue((error, value) => (error ? reject(error) : resolve(value))),
  );
  const key = await new Promise<Uint8Array>((resolve, reject) =>
    helper.getPasswordAuthenticationKey(input.userId, input.password, toReference(input.B), toReference(input.salt), (error, value) =>
      error ? reject(error) : resolve(value),
    ),
  );
  return { A: fromReference(A), u: fromReference(helper.UValue), key: new Uint8Array(key) };
}

/** The reference's TIMESTAMP for the current (possibly faked) time. */
export function referenceTimestamp(): string {
  return new library.DateHelper().getNowString();
}

export interface ReferenceRequest {
  operation: string;
  params: Record<string, any>;
}

/**
 * Runs the reference's whole USER_SRP_AUTH sign-in (CognitoUser.authenticateUser). `send` answers
 * its two calls instead of Cognito (or leave it out to send them to `endpoint` over HTTP).
 * `smallA` fixes the secret a the reference would draw. Resolves with the requests it made and,
 * when it signed in, the tokens.
 */
export async function referenceSignIn(options: {
  userPoolId: string;
  clientId: string;
  username: string;
  password: string;
  endpoint?: string;
  smallA?: bigint;
  send?: (request: ReferenceRequest) => Promise<unknown>;
}): Promise<{
  requests: ReferenceRequest[];
  idToken?: string;
  accessToken?: string;
  error?: { code?: string; name?: string; message?: string };
}> {
  const pool = new library.CognitoUserPool({
    UserPoolId: options.userPoolId,
    ClientId: options.clientId,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const requests: ReferenceRequest[] = [];
  const realRequest = pool.client.request.bind(pool.client);
  pool.client.request = (operation, params, callback) => {
    const request = { operation, params: JSON.parse(JSON.stringify(params)) as Record<string, any> };
    requests.push(request);
    if (!options.send) return realRequest(operation, params, callback);
    options.send(request).then(
      (data) => callback(null, data),
      (error: unknown) => callback(error),
    );
  };
  const prototype = library.AuthenticationHelper.prototype;
  const drawSmallA = prototype.generateRandomSmallA;
  if (options.smallA !== undefined) {
    const fixed = toReference(options.smallA);
    prototype.generateRandomSmallA = () => fixed;
  }
  try {
    const user = new library.CognitoUser({ Username: options.username, Pool: pool });
    const details = new library.AuthenticationDetails({ Username: options.username, Password: options.password });
    return await new Promise((resolve) =>
      user.authenticateUser(details, {
        onSuccess: (session) =>
          resolve({ requests, idToken: session.getIdToken().getJwtToken(), accessToken: session.getAccessToken().getJwtToken() }),
        onFailure: (error) => resolve({ requests, error: error as { code?: string; name?: string; message?: string } }),
      }),
    );
  } finally {
    prototype.generateRandomSmallA = drawSmallA;
  }
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import path from 'node:path';
import { userLimitKey, type CodeAttempts, type PasswordLockout } from '#lib/cognito-attempts';
import { CognitoRequestError, cognitoSignatureError, incorrectCredentials } from '#lib/cognito-errors';
import { authorizeCognitoCall, type CognitoPrincipal } from '#lib/cognito-iam';
import { allowsAuthFlow, type CognitoLocalData, type StoredClient } from '#lib/cognito-local-data';
import type { SigningKey } from '#lib/cognito-signing-key';
import { createSrpFront, type SrpFront } from '#lib/cognito-srp';
import { createTokenIssuer, type TokenIssuer } from '#lib/cognito-tokens';
import { createUserFlows, type UserFlows } from '#lib/cognito-user-flows';
import { createMailbox, type Mailbox } from '#lib/mailbox';
import { listenOnLoopback, LOOPBACK } from '#lib/net';
import { verifySigV4 } from '#lib/sigv4-verifier';

export interface AdminCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CognitoAdminGuardOptions {
  port: number;
  /** cognito-local, on a private port (never exposed itself). */
  upstream: { hostname: string; port: number };
  credentials: AdminCredentials;
  /** cognito-local's data folder, read for the app clients' auth flows and for SRP (cognito-local-data.ts). */
  data: CognitoLocalData;
  /** The stack's own signing key: the front makes and checks the tokens (cognito-tokens.ts). */
  signingKey: SigningKey;
  /** The issuer's origin, as cognito-local names it (the front's address). */
  issuerBase: string;
  /** Where the front keeps sessions and codes across restarts (sessions.json, codes.json); memory only without one. */
  stateDirectory?: string;
  /** Where the e-mails go (mailbox.ts); a new one when not given. */
  mailbox?: Mailbox;
  /** For tests: a clock, and limits with their own. */
  now?: () => number;
  lockout?: PasswordLockout;
  codeAttempts?: CodeAttempts;
  log(line: Record<string, unknown>): void;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/**
 * What an app client calls on real Cognito without AWS credentials (the user's tokens, password
 * or a code are its proof). Everything else, Admin* and pool management, needs IAM (SigV4).
 * Whether the pool takes SignUp is the pool's AllowAdminCreateUserOnly, enforced by the front.
 */
const PUBLIC_TARGETS = new Set([
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetUser',
  'ChangePassword',
  'GlobalSignOut',
  'RevokeToken',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'GetTokensFromRefreshToken',
]);
const PUBLIC_GET = /^\/(health|[\w-]+\/\.well-known\/(jwks\.json|openid-configuration))$/;

const MAX_BODY_BYTES = 1024 * 1024;
// Hop-by-hop headers, and the framing the guard recomputes for the buffered body.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'content-length']);

/** Fresh admin credentials for one run of the stack: nobody can know them in advance. */
export function generateAdminCredentials(): AdminCredentials {
  return {
    accessKeyId: `LOCALADMIN${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

/**
 * cognito-local answers its admin API to anyone, so an attendee could add itself to
 * `organizers`. This proxy in front of it lets through what an app client may call
 * unauthenticated on real Cognito, and requires a SigV4 signature (service cognito-idp) made
 * with the stack's admin credentials for everything else. It also answers malformed input with
 * 400 where cognito-local would fail with 500.
 *
 * It also answers itself what an app client calls, since cognito-local lacks or gets wrong most
 * of it, so the SPA works locally as on AWS: InitiateAuth only for the auth flows the app client
 * allows (cognito-local stores them and ignores them), USER_SRP_AUTH (cognito-srp.ts), sign-up,
 * codes, password reset, new passwords, refresh tokens, revocation and access tokens checked for
 * real (cognito-user-flows.ts, cognito-tokens.ts), with Cognito's lockout and code limits
 * (cognito-attempts.ts); the e-mails Cognito would send go to a mailbox served under /_mailbox
 * (mailbox.ts). cognito-local stays the store of users, groups and clients, and the admin API.
 *
 * Other key pairs (the functions') are let in by `allow`, for what their IAM policy allows and
 * nothing else (cognito-iam.ts): AccessDeniedException otherwise, as Cognito answers.
 */
export async function startCognitoAdminGuard(options: CognitoAdminGuardOptions): Promise<{
  endpoint: string;
  server: Server;
  srp: SrpFront;
  tokens: TokenIssuer;
  mailbox: Mailbox;
  allow(principal: CognitoPrincipal): void;
}> {
  const now = options.now ?? Date.now;
  const directory = options.stateDirectory;
  const tokens = createTokenIssuer({
    key: options.signingKey,
    issuerBase: options.issuerBase,
    now,
    ...(directory ? { stateFile: path.join(directory, 'sessions.json') } : {}),
  });
  const mailbox = options.mailbox ?? createMailbox({ now });
  const flows = createUserFlows({
    data: options.data,
    upstream: (operation, payload) => callUpstream(options, operation, payload),
    tokens,
    mailbox,
    now,
    ...(directory ? { codesFile: path.join(directory, 'codes.json') } : {}),
    ...(options.lockout ? { lockout: options.lockout } : {}),
    ...(options.codeAttempts ? { codeAttempts: options.codeAttempts } : {}),
  });
  const srp = createSrpFront({
    data: options.data,
    signedIn: flows.signedIn,
    lockout: flows.lockout,
    // Stable for the data folder: an unknown name gets the same salt and user id after a restart too.
    secret: createHash('sha256').update('srp decoys').update(String(options.signingKey.private.jwk['d'])).digest(),
    now,
  });
  const principals = new Map<string, CognitoPrincipal>();
  const server = createServer((request, response) => {
    if (mailbox.handle(request, response)) return;
    handle(options, srp, flows, principals, request, response).catch((error: unknown) => {
      if (error instanceof CognitoRequestError) return sendError(request, response, error);
      options.log({ level: 'error', message: 'Cognito guard failure', error: String(error) });
      sendError(request, response, new CognitoRequestError(500, 'InternalErrorException', 'Internal error'));
    });
  });
  await listenOnLoopback(server, options.port);
  const address = server.address();
  return {
    endpoint: `http://${LOOPBACK}:${typeof address === 'object' && address ? address.port : options.port}`,
    server,
    srp,
    tokens,
    mailbox,
    allow: (principal) => {
      if (principal.credentials.accessKeyId === options.credentials.accessKeyId) throw new Error('A principal cannot have the admin key');
      principals.set(principal.credentials.accessKeyId, principal);
    },
  };
}

async function handle(
  options: CognitoAdminGuardOptions,
  srp: SrpFront,
  flows: UserFlows,
  principals: ReadonlyMap<string, CognitoPrincipal>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  const url = request.url ?? '/';
  const [rawPath = '/', rawQuery = ''] = url.split(/\?(.*)/s);
  const body = await readBody(request);
  // CORS preflights carry no credentials; cognito-local answers them for the SPA's origin.
  if (method === 'OPTIONS') return forward(options, request, response, body);

  const target = targetOf(request);
  const isPublic =
    ((method === 'GET' || method === 'HEAD') && PUBLIC_GET.test(rawPath)) ||
    (method === 'POST' &&
      rawPath === '/' &&
      !rawQuery &&
      target.startsWith(TARGET_PREFIX) &&
      PUBLIC_TARGETS.has(target.slice(TARGET_PREFIX.length)));
  // Undefined: the admin, or a public call.
  const principal = isPublic ? undefined : await verifySigned(options, principals, request, method, rawPath, rawQuery, body);
  if (principal && !(method === 'POST' && rawPath === '/')) {
    // Only the JSON API is behind IAM; the principal's policy names no other request.
    throw new CognitoRequestError(400, 'AccessDeniedException', `User: ${principal.arn} is not authorized to perform this request`);
  }
  if (method === 'POST' && rawPath === '/') {
    const call = checkJsonCall(request, body);
    const operation = target.slice(TARGET_PREFIX.length);
    if (principal) authorizeCognitoCall(principal, operation, call);
    if (operation === 'AdminListGroupsForUser') return forward(options, request, response, await byUsername(options, call, body));
    if (!isPublic && operation === 'AdminCreateUser') return sendJson(request, response, await flows.adminCreateUser(call));
    if (!isPublic && operation === 'AdminSetUserPassword') await flows.checkAdminPassword(call);
    if (isPublic && operation === 'InitiateAuth') {
      const answer = await initiateAuth(options, srp, flows, call);
      if (answer !== undefined) return sendJson(request, response, answer);
    }
    if (isPublic && operation === 'RespondToAuthChallenge') return sendJson(request, response, await respondToChallenge(srp, flows, call));
    if (isPublic && flows.handles(operation)) return sendJson(request, response, await flows.handle(operation, call));
  }
  return forward(options, request, response, body);
}

/**
 * The challenges an app client of this pool meets: the SRP password proof, and a new password
 * after a temporary one. cognito-local would take NEW_PASSWORD_REQUIRED with any Session and set
 * any user's password; the others (MFA) the pool does not use.
 */
function respondToChallenge(srp: SrpFront, flows: UserFlows, call: Record<string, unknown>): Promise<unknown> {
  if (call['ChallengeName'] === 'PASSWORD_VERIFIER') return srp.respond(call);
  if (call['ChallengeName'] === 'NEW_PASSWORD_REQUIRED') return flows.newPassword(call);
  throw new CognitoRequestError(
    400,
    'InvalidParameterException',
    'The local Cognito answers PASSWORD_VERIFIER and NEW_PASSWORD_REQUIRED only',
  );
}

/**
 * Refuses an auth flow the app client does not allow, as Cognito does; answers USER_SRP_AUTH,
 * REFRESH_TOKEN_AUTH and USER_PASSWORD_AUTH itself. Undefined: cognito-local answers (the other
 * flows, which it does not support, and calls too malformed to name a client and a flow, which
 * it refuses).
 */
async function initiateAuth(
  options: CognitoAdminGuardOptions,
  srp: SrpFront,
  flows: UserFlows,
  call: Record<string, unknown>,
): Promise<unknown> {
  const { AuthFlow: flow, ClientId: clientId } = call;
  if (typeof flow !== 'string' || typeof clientId !== 'string' || clientId === '') return undefined;
  const client = await options.data.client(clientId);
  if (!client) throw new CognitoRequestError(400, 'ResourceNotFoundException', 'User pool client does not exist.');
  if (!allowsAuthFlow(client, flow)) {
    throw new CognitoRequestError(400, 'InvalidParameterException', `${flow.slice(0, 64)} flow not enabled for this client`);
  }
  if (flow === 'USER_SRP_AUTH') return srp.initiate(client, call);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return flows.refresh(client, call);
  if (flow === 'USER_PASSWORD_AUTH') return passwordAuth(options, flows, client, call);
  return undefined;
}

/** USER_PASSWORD_AUTH, for a client that allows it (the SPA's does not): the password compared, with the lockout. */
async function passwordAuth(
  options: CognitoAdminGuardOptions,
  flows: UserFlows,
  client: StoredClient,
  call: Record<string, unknown>,
): Promise<unknown> {
  const parameters = call['AuthParameters'] as Record<string, unknown> | undefined;
  const username = parameters?.['USERNAME'];
  const password = parameters?.['PASSWORD'];
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || username.length > 2048) {
    throw new CognitoRequestError(400, 'InvalidParameterException', 'Missing required parameter USERNAME or PASSWORD');
  }
  const user = await options.data.user(client.UserPoolId, username);
  const key = userLimitKey(client.UserPoolId, username, user);
  flows.lockout.check(key);
  if (!user || typeof user.Password !== 'string' || user.Password !== password) {
    flows.lockout.failed(key);
    throw incorrectCredentials();
  }
  flows.lockout.succeeded(key);
  return flows.signedIn(client, user);
}

// Node joins repeated headers; the type still allows an array.
function targetOf(request: IncomingMessage): string {
  return String(request.headers['x-amz-target'] ?? '');
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      size > MAX_BODY_BYTES
        ? reject(new CognitoRequestError(413, 'RequestEntityTooLargeException', 'Request body too large'))
        : resolve(Buffer.concat(chunks)),
    );
    // A client that gives up half-way gets no answer; nothing to log.
    request.on('error', () => reject(new CognitoRequestError(400, 'SerializationException', 'Incomplete request body')));
  });
}

/** Checks the SigV4 signature: made with the admin key pair (undefined), or with an allowed principal's. */
async function verifySigned(
  options: CognitoAdminGuardOptions,
  principals: ReadonlyMap<string, CognitoPrincipal>,
  request: IncomingMessage,
  method: string,
  rawPath: string,
  rawQuery: string,
  body: Buffer,
): Promise<CognitoPrincipal | undefined> {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
  );
  if (!headers['authorization'] && !/(^|&)X-Amz-Signature=/.test(rawQuery)) {
    throw new CognitoRequestError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const { accessKeyId, secretAccessKey } = options.credentials;
  const secretFor = (id: string) => (id === accessKeyId ? secretAccessKey : principals.get(id)?.credentials.secretAccessKey);
  try {
    const verified = await verifySigV4({ method, rawPath, rawQuery, headers }, secretFor, new Date(), { service: 'cognito-idp', body });
    return verified.accessKeyId === accessKeyId ? undefined : principals.get(verified.accessKeyId);
  } catch (error) {
    throw cognitoSignatureError(error);
  }
}

/**
 * AdminListGroupsForUser's Username as Cognito takes it, the username or an alias (the e-mail,
 * the sub): cognito-local finds the user by any of them but lists the groups of the literal
 * value, so an alias would have none. The body names the user by its username.
 */
async function byUsername(options: CognitoAdminGuardOptions, call: Record<string, unknown>, body: Buffer): Promise<Buffer> {
  const { UserPoolId: poolId, Username: username } = call;
  if (typeof poolId !== 'string' || typeof username !== 'string') return body;
  const user = await options.data.user(poolId, username);
  return user && user.Username !== username ? Buffer.from(JSON.stringify({ ...call, Username: user.Username })) : body;
}

/** What real Cognito refuses before dispatching; cognito-local would answer some of it with 500. */
function checkJsonCall(request: IncomingMessage, body: Buffer): Record<string, unknown> {
  if (!/^AWSCognitoIdentityProviderService\.[A-Za-z]+$/.test(targetOf(request))) {
    throw new CognitoRequestError(400, 'UnknownOperationException', 'Unknown operation');
  }
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-amz-json-1.1') {
    throw new CognitoRequestError(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new CognitoRequestError(400, 'SerializationException', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CognitoRequestError(400, 'SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** One JSON call to cognito-local on its private port, bypassing this guard: the SRP front's USER_PASSWORD_AUTH. */
function callUpstream(options: CognitoAdminGuardOptions, operation: string, payload: unknown): Promise<{ status: number; body: unknown }> {
  const body = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      {
        ...options.upstream,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `${TARGET_PREFIX}${operation}`,
          'content-length': String(body.length),
        },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            // A 5xx page; the status says enough.
          }
          if ((answer.statusCode ?? 502) >= 500)
            options.log({
              level: 'warn',
              message: 'cognito-local failed',
              status: answer.statusCode,
              target: operation,
              body: text.slice(0, 500),
            });
          resolve({ status: answer.statusCode ?? 502, body: parsed });
        });
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** Sends the buffered request to cognito-local; its 5xx answers (unsupported operation, a crash on odd input) become 400s. */
function forward(options: CognitoAdminGuardOptions, request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
  const headers: IncomingHttpHeaders = { 'content-length': String(body.length) };
  for (const [name, value] of Object.entries(request.headers)) if (!NOT_FORWARDED.has(name)) headers[name] = value;
  return new Promise((resolve, reject) => {
    const upstream = httpRequest({ ...options.upstream, method: request.method, path: request.url, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', reject);
      answer.on('end', () => {
        const text = Buffer.concat(chunks);
        const status = answer.statusCode ?? 502;
        if (status >= 500) {
          options.log({
            level: 'warn',
            message: 'cognito-local failed',
            status,
            target: targetOf(request),
            body: text.toString('utf8').slice(0, 500),
          });
          const unsupported = text.includes('CognitoLocal#Unsupported');
          reject(
            unsupported
              ? new CognitoRequestError(400, 'UnknownOperationException', 'Unknown or unsupported operation')
              : new CognitoRequestError(400, 'InvalidParameterException', 'The local Cognito emulator could not process these parameters'),
          );
          return;
        }
        const outgoing = { ...answer.headers, 'content-length': String(text.length) };
        delete outgoing['transfer-encoding'];
        delete outgoing['connection'];
        response.writeHead(status, outgoing);
        response.end(request.method === 'HEAD' ? undefined : text);
        resolve();
      });
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** A 200 answer of the guard's own, shaped as Cognito's. */
function sendJson(request: IncomingMessage, response: ServerResponse, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(200, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    'access-control-allow-origin': '*',
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function sendError(request: IncomingMessage, response: ServerResponse, error: CognitoRequestError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  request.resume(); // drain what the client still sends
  const body = JSON.stringify({ __type: error.type, message: error.message });
  response.writeHead(error.status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': error.type,
    // Like cognito-local's own answers, so the SPA can read the error.
    'access-control-allow-origin': '*',
    ...(error.status === 413 ? { connection: 'close' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { CognitoRequestError, cognitoSignatureError } from '#lib/cognito-errors';
import { authorizeCognitoCall, type CognitoPrincipal } from '#lib/cognito-iam';
import { allowsAuthFlow, type CognitoLocalData } from '#lib/cognito-local-data';
import { createSrpFront, type SrpFront } from '#lib/cognito-srp';
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
  log(line: Record<string, unknown>): void;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/**
 * What an app client calls on real Cognito without AWS credentials (the user's tokens or
 * password are its proof). Everything else, Admin* and pool management, needs IAM (SigV4).
 * SignUp and ConfirmSignUp are not here: the deployed pool only has admin-created users
 * (infra.serverless.yml, AllowAdminCreateUserOnly), and cognito-local would not enforce it.
 */
const PUBLIC_TARGETS = new Set([
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
 * It also does what cognito-local lacks for sign-in, so the SPA signs in locally as on AWS:
 * InitiateAuth only for the auth flows the app client allows (cognito-local stores them and
 * ignores them), and USER_SRP_AUTH itself (cognito-srp.ts).
 *
 * Other key pairs (the functions') are let in by `allow`, for what their IAM policy allows and
 * nothing else (cognito-iam.ts): AccessDeniedException otherwise, as Cognito answers.
 */
export async function startCognitoAdminGuard(
  options: CognitoAdminGuardOptions,
): Promise<{ endpoint: string; server: Server; srp: SrpFront; allow(principal: CognitoPrincipal): void }> {
  const srp = createSrpFront({
    data: options.data,
    passwordSignIn: (clientId, userId, password) =>
      callUpstream(options, 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: userId, PASSWORD: password },
      }),
  });
  const principals = new Map<string, CognitoPrincipal>();
  const server = createServer((request, response) => {
    handle(options, srp, principals, request, response).catch((error: unknown) => {
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
    allow: (principal) => {
      if (principal.credentials.accessKeyId === options.credentials.accessKeyId) throw new Error('A principal cannot have the admin key');
      principals.set(principal.credentials.accessKeyId, principal);
    },
  };
}

async function handle(
  options: CognitoAdminGuardOptions,
  srp: SrpFront,
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
    if (isPublic && operation === 'InitiateAuth') {
      const answer = await initiateAuth(options, srp, call);
      if (answer !== undefined) return sendJson(request, response, answer);
    }
    if (isPublic && operation === 'RespondToAuthChallenge' && call['ChallengeName'] === 'PASSWORD_VERIFIER') {
      return sendJson(request, response, await srp.respond(call));
    }
  }
  return forward(options, request, response, body);
}

/**
 * Refuses an auth flow the app client does not allow, as Cognito does; answers USER_SRP_AUTH
 * itself. Undefined: cognito-local answers (the other flows, and calls too malformed to name a
 * client and a flow, which it refuses).
 */
async function initiateAuth(options: CognitoAdminGuardOptions, srp: SrpFront, call: Record<string, unknown>): Promise<unknown> {
  const { AuthFlow: flow, ClientId: clientId } = call;
  if (typeof flow !== 'string' || typeof clientId !== 'string' || clientId === '') return undefined;
  const client = await options.data.client(clientId);
  if (!client) throw new CognitoRequestError(400, 'ResourceNotFoundException', 'User pool client does not exist.');
  if (!allowsAuthFlow(client, flow)) {
    throw new CognitoRequestError(400, 'InvalidParameterException', `${flow.slice(0, 64)} flow not enabled for this client`);
  }
  return flow === 'USER_SRP_AUTH' ? srp.initiate(client, call) : undefined;
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

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { wildcardMatch } from '#lib/cdn-signed-urls';
import { localIntrinsics, type Infra, type LocalResources } from '#lib/local-infra';
import { evaluate, readServerlessFile, type Yaml } from '#lib/serverless-config';
import { S3RequestError, verifySigV4 } from '#lib/sigv4-verifier';

// The one Parameter Store call the signing functions make, answered locally: GetParameter of the
// SecureString that holds the CDN private key. The functions run the deployed code against it
// (`AWS_ENDPOINT_URL_SSM`), so the key reaches them as on AWS: fetched at cold start, signed for,
// decrypted only when asked, and only for a role that may read it. There is no SSM emulator on
// npm; this front answers nothing else.

const TARGET = 'AmazonSSM.GetParameter';
const MAX_BODY_BYTES = 64 * 1024;

class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface KeyParameterOptions {
  /** The parameter names the functions' environment holds (CDN_PRIVATE_KEY_PARAMETER), each answered with the key. */
  names: string[];
  /** The CDN private key (PEM). */
  value: string;
  region: string;
  accountId: string;
  /** The functions' key pair: calls must be signed (SigV4, service `ssm`) with it. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Whether the functions' roles allow ssm:GetParameter on a parameter ARN (functionsMayGetParameter). */
  allowed(parameterArn: string): boolean;
  now?: () => number;
}

/** Whether a request is an SSM API call (what the SDK sends to AWS_ENDPOINT_URL_SSM). */
export function isSsmCall(request: IncomingMessage): boolean {
  const target = request.headers['x-amz-target'];
  return request.method === 'POST' && typeof target === 'string' && target.startsWith('AmazonSSM.');
}

/** Answers GetParameter for the key's parameter as Parameter Store does, its errors included. */
export function createKeyParameterFront(options: KeyParameterOptions) {
  const modified = (options.now ?? Date.now)() / 1000;
  // What GetParameter answers without WithDecryption: the encrypted value, never the key.
  const ciphertext = `AQICAH${randomBytes(96).toString('base64')}`;
  const arnOf = (name: string) => `arn:aws:ssm:${options.region}:${options.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  const principal = `arn:aws:sts::${options.accountId}:assumed-role/event-photos-local-functions/local-functions`;

  async function answer(request: IncomingMessage, body: Buffer): Promise<unknown> {
    const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
    );
    if (!headers['authorization']) throw new SsmError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const { accessKeyId, secretAccessKey } = options.credentials;
    try {
      await verifySigV4(
        { method: 'POST', rawPath, rawQuery, headers },
        (id) => (id === accessKeyId ? secretAccessKey : undefined),
        new Date(),
        {
          service: 'ssm',
          body,
        },
      );
    } catch (error) {
      if (!(error instanceof S3RequestError)) throw error;
      if (error.code === 'InvalidAccessKeyId')
        throw new SsmError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      throw new SsmError('InvalidSignatureException', error.message);
    }
    if (headers['x-amz-target'] !== TARGET) throw new SsmError('UnknownOperationException', `The local SSM front answers ${TARGET} only`);
    let call: { Name?: unknown; WithDecryption?: unknown };
    try {
      call = JSON.parse(body.toString('utf8') || '{}') as typeof call;
    } catch {
      throw new SsmError('SerializationException', 'Start of structure or map found where not expected.');
    }
    if (typeof call.Name !== 'string' || call.Name.length === 0 || call.Name.length > 2048)
      throw new SsmError(
        'ValidationException',
        "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must not be null",
      );
    const name = call.Name.startsWith('arn:') ? call.Name.replace(/^arn:aws:ssm:[^:]*:[^:]*:parameter/, '') : call.Name;
    const arn = arnOf(name);
    // IAM first: a role that may not read a name learns nothing about it, not even that it is missing.
    if (!options.allowed(arn)) {
      throw new SsmError(
        'AccessDeniedException',
        `User: ${principal} is not authorized to perform: ssm:GetParameter on resource: ${arn} because no identity-based policy allows the ssm:GetParameter action`,
      );
    }
    if (!options.names.includes(name)) throw new SsmError('ParameterNotFound', '');
    return {
      Parameter: {
        Name: name,
        Type: 'SecureString',
        Value: call.WithDecryption === true ? options.value : ciphertext,
        Version: 1,
        LastModifiedDate: modified,
        ARN: arn,
        DataType: 'text',
      },
    };
  }

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    try {
      const result = await answer(request, await readBody(request));
      response.writeHead(200, headers).end(JSON.stringify(result));
    } catch (error) {
      const failure = error instanceof SsmError ? error : new SsmError('InternalServerError', String(error), 500);
      response
        .writeHead(failure.status, { ...headers, 'x-amzn-errortype': failure.type })
        .end(JSON.stringify({ __type: failure.type, message: failure.message }));
    }
  };
}

/** The call's JSON, read up to its limit; a client that goes away half-way gets no answer worth sending. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) break;
      chunks.push(chunk);
    }
  } catch {
    throw new SsmError('SerializationException', 'Incomplete request body');
  }
  if (size > MAX_BODY_BYTES) throw new SsmError('ValidationException', 'Request body too large', 413);
  return Buffer.concat(chunks);
}

/**
 * What the functions' roles in serverless.yml allow in Parameter Store: the local functions share
 * one key pair (as with Cognito, cognito-iam.ts), so a call is allowed when any role allows it and
 * none denies it. Resources are evaluated against the local stand-ins; `*` and `?` match as in IAM.
 */
export async function functionsMayGetParameter(
  root: string,
  infra: Infra,
  local: LocalResources,
  file = 'serverless.yml',
): Promise<(parameterArn: string) => boolean> {
  const doc = await readServerlessFile(root, file);
  const values = localIntrinsics(infra, local);
  const statements: Array<{ allow: boolean; resources: string[] }> = [];
  for (const [name, fn] of Object.entries<Yaml>(doc['functions'] ?? {})) {
    for (const statement of (fn['iamRoleStatements'] ?? []) as Yaml[]) {
      const actions = ([] as string[]).concat(statement['Action'] ?? []);
      if (!actions.some((action) => wildcardMatch(action, 'ssm:GetParameter', { ignoreCase: true }))) continue;
      if (['Condition', 'NotAction', 'NotResource', 'Principal'].some((key) => key in statement))
        throw new Error(`${file}: the local SSM front cannot evaluate ${name}'s ssm statement`);
      const resources = ([] as unknown[]).concat(evaluate(statement['Resource'] ?? [], values)).map(String);
      statements.push({ allow: statement['Effect'] === 'Allow', resources });
    }
  }
  return (arn) => {
    const relevant = statements.filter((statement) => statement.resources.some((pattern) => wildcardMatch(pattern, arn)));
    return relevant.some((statement) => statement.allow) && !relevant.some((statement) => !statement.allow);
  };
}

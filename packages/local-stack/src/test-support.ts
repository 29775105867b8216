import { createPrivateKey, createSign, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { signIn as signInWithCognito } from '@event-photos/client';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, type UploadSigningConfig } from '@event-photos/aws';
import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { cdnSigningKeyFile, ensureCdnSigningKey } from '#lib/cdn-signing-key';
import { localResourcesOf, startLocalStack, type LocalStack, type LocalStackOptions, type LocalStackOutputs } from '#lib/stack';

export { jpegBytes } from '@event-photos/testing/fixtures';

/** A Cognito client for the admin API, signing with the stack's admin credentials. */
export function cognitoClient(outputs: LocalStackOutputs): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: outputs.cognitoEndpoint,
    region: outputs.region,
    credentials: outputs.cognitoAdminCredentials,
  });
}

/** Signs in through the Cognito API with the SPA's own client code (USER_SRP_AUTH, as on AWS). */
export function signIn(outputs: LocalStackOutputs, email: string, password: string, clientId = outputs.userPoolClientId) {
  return signInWithCognito({
    cognitoEndpoint: outputs.cognitoEndpoint,
    region: outputs.region,
    userPoolId: outputs.userPoolId,
    clientId,
    email,
    password,
  });
}

export async function createOtherClient(outputs: LocalStackOutputs): Promise<string> {
  const cognito = cognitoClient(outputs);
  try {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: outputs.userPoolId,
        ClientName: `other-${Date.now()}`,
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'],
      }),
    );
    return created.UserPoolClient!.ClientId!;
  } finally {
    cognito.destroy();
  }
}

/**
 * Re-signs a token's claims with an RSA key: a correctly signed token whose claims we choose, to
 * test the checks after the signature (expiry, client, use). The local issuer's key is the stack's
 * own (`<dataDir>/cognito/signing-key.json`); the one cognito-local publishes must not be trusted.
 */
export function resignWithKey(token: string, changes: Record<string, unknown>, jwk: JsonWebKey): string {
  const [header, payload] = token.split('.') as [string, string];
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...changes };
  const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createSign('RSA-SHA256')
    .update(unsigned)
    .sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${unsigned}.${signature.toString('base64url')}`;
}

/** The private key of the local stack's issuer. */
export function stackSigningKey(dataDir: string): JsonWebKey {
  return (JSON.parse(readFileSync(path.join(dataDir, 'cognito', 'signing-key.json'), 'utf8')) as { private: { jwk: JsonWebKey } }).private
    .jwk;
}

/** The private key cognito-local ships in its npm package (public to anyone). */
export function publishedCognitoLocalKey(): JsonWebKey {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')) as { jwk: JsonWebKey }).jwk;
}

/** An HTTP request with the path sent exactly as given (fetch would normalise `..`). */
export function rawRequest(
  baseUrl: string,
  { method, path, headers = {}, body }: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; json: any }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = { notJson: text };
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs upload URLs for the local stack's S3, with its key pair, as the API does. */
export function uploadSigning(outputs: LocalStackOutputs, credentials = localResourcesOf(outputs).credentials): UploadSigningConfig {
  return { endpoint: outputs.s3Endpoint, region: outputs.region, credentials, forcePathStyle: true };
}

/** An S3 client for the local stack's bucket, with its key pair (tests that act as an admin). */
export function s3Client(outputs: LocalStackOutputs): S3Client {
  return createS3Client({
    endpoint: outputs.s3Endpoint,
    region: outputs.region,
    credentials: localResourcesOf(outputs).credentials,
    forcePathStyle: true,
  });
}

/** One API request: JSON (or a raw string) body, the token as a Bearer header if any; the answer parsed. */
export async function callApi(
  apiUrl: string,
  method: string,
  pathname: string,
  { token, body }: { token?: string | null | undefined; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const response = await fetch(`${apiUrl}${pathname}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : null };
}

/** Calls the local API as the holder of `token`. */
export function apiCaller(outputs: LocalStackOutputs, token: string) {
  return (method: string, pathname: string, body?: unknown) => callApi(outputs.apiUrl, method, pathname, { token, body });
}

export type ApiCaller = ReturnType<typeof apiCaller>;

/**
 * A fresh stack in a temporary data folder, with API callers signed in as the demo attendee (no
 * group) and the demo organizer; `stop` stops it and removes the folder.
 */
export async function stackWithDemoUsers(name: string, options: Omit<LocalStackOptions, 'dataDir'> = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `event-photos-${name}-`));
  const stack: LocalStack = await startLocalStack({ dataDir, ...options });
  const caller = async (groups: number) => {
    const user = stack.outputs.demoUsers.find((candidate) => candidate.groups.length === groups)!;
    return apiCaller(stack.outputs, (await signIn(stack.outputs, user.email, user.password)).idToken);
  };
  const [attendee, organizer] = await Promise.all([caller(0), caller(1)]);
  return {
    stack,
    attendee,
    organizer,
    /** The stack's data folder (its CDN key: signedCdnQuery). */
    dataDir,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A CloudFront-style signed query (custom policy, RSA-SHA1) for `resource` (a URL, `*` wildcards),
 * with the key of a running stack's data folder: for tests that reach the CDN with paths of their own.
 */
export async function signedCdnQuery(dataDir: string, resource: string, expiresInSeconds = 600): Promise<string> {
  const { keyPairId, privateKeyPem } = await ensureCdnSigningKey(cdnSigningKeyFile(dataDir));
  const policy = JSON.stringify({
    Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': Math.floor(Date.now() / 1000) + expiresInSeconds } } }],
  });
  const cloudFrontBase64 = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
  const signature = createSign('RSA-SHA1').update(policy).sign(privateKeyPem);
  return `Policy=${cloudFrontBase64(Buffer.from(policy))}&Signature=${cloudFrontBase64(signature)}&Key-Pair-Id=${keyPairId}`;
}

/**
 * A CloudFront API call to the running stack (CreateInvalidation's route), signed as the functions
 * sign it (their key pair, service cloudfront, us-east-1), with any body or distribution: for tests
 * of what the local CloudFront API refuses. The answer's status and error code.
 */
export async function signedCloudFrontCall(
  outputs: LocalStackOutputs,
  body: string,
  { distributionId = outputs.cdnDistributionId, credentials = localResourcesOf(outputs).credentials } = {},
): Promise<{ status: number; code: string | undefined; text: string }> {
  const url = new URL(`/2020-05-31/distribution/${distributionId}/invalidation`, outputs.cdnBaseUrl);
  const signer = new SignatureV4({ service: 'cloudfront', region: 'us-east-1', credentials, sha256: Sha256Node });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/xml' },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  return { status: response.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
}

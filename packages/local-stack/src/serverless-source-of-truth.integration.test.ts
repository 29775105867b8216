import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetBucketCorsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, localResourcesOf, startLocalStack, type LocalStack } from '#lib/stack';
import { cognitoClient, s3Client, signIn } from '#lib/test-support';

// The local stack takes its settings from the two serverless files, so local and deployed cannot
// drift. Each expectation below reads the file itself (plain YAML), not the stack's own reader.
const api = parse(readFileSync(path.join(REPO_ROOT, 'serverless.yml'), 'utf8'));
const infra = parse(readFileSync(path.join(REPO_ROOT, 'infra.serverless.yml'), 'utf8'));
const resourceOfType = (type: string) => Object.values<any>(infra.resources.Resources).find((resource) => resource.Type === type);

let dataDir: string;
let stack: LocalStack;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-truth-'));
  stack = await startLocalStack({ dataDir });
});

afterAll(async () => {
  await stack?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it("answers CORS preflights with serverless.yml's httpApi.cors, not more", async () => {
  const cors = api.provider.httpApi.cors;
  const response = await fetch(`${stack.outputs.apiUrl}/events/demo-event/photos`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://app.example.test',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(cors.allowedMethods);
  expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(cors.allowedHeaders);
  expect(response.headers.get('access-control-max-age')).toBe(String(cors.maxAge));
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
});

it('gives the functions the origin httpApi.cors allows: the same expression', () => {
  expect(api.provider.environment.CORS_ALLOWED_ORIGIN).toBe(api.provider.httpApi.cors.allowedOrigins[0]);
});

it("answers a function's 415 through the gateway: the JSON error envelope, httpApi.cors's headers once", async () => {
  const user = stack.outputs.demoUsers.find((demo) => demo.groups.length === 0)!;
  const { idToken } = await signIn(stack.outputs, user.email, user.password);
  const path = '/events/demo-event/photos/initiate-upload';
  const origin = 'http://app.example.test';
  // What a browser does for a cross-origin JSON POST: a preflight (the gateway's), then the request.
  const preflight = await fetch(`${stack.outputs.apiUrl}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  // A form post: the body arrives base64-encoded (not a text type), and is refused before decoding.
  const response = await fetch(`${stack.outputs.apiUrl}${path}`, {
    method: 'POST',
    headers: { origin, authorization: `Bearer ${idToken}`, 'content-type': 'application/octet-stream' },
    body: '{"title":"x","contentType":"image/jpeg","size":1}',
  });
  expect(response.status).toBe(415);
  expect(await response.json()).toEqual({
    error: { code: 'UnsupportedMediaType', message: 'content-type must be application/json', field: 'content-type' },
  });
  // httpApi.cors's headers of an actual request (the function's own are dropped): the origin, and
  // the headers a page may read (exposedResponseHeaders: Retry-After), as API Gateway adds them.
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-expose-headers')?.toLowerCase()).toBe('retry-after');
  expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-')).sort()).toEqual([
    'access-control-allow-origin',
    'access-control-expose-headers',
  ]);
});

it("gives every function serverless.yml's environment, its imports resolved to the local resources", () => {
  const declared = Object.keys(api.provider.environment);
  const local = localResourcesOf(stack.outputs);
  for (const name of Object.keys(api.functions)) {
    const environment = stack.functionEnvironment(name);
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(declared));
    expect(environment).toMatchObject({
      PHOTOS_TABLE_NAME: local.tableName,
      PHOTOS_BUCKET_NAME: local.bucketName,
      PHOTOS_CDN_BASE_URL: local.cdnBaseUrl,
      MAX_UPLOAD_BYTES: api.provider.environment.MAX_UPLOAD_BYTES,
      UPLOAD_URL_EXPIRES_SECONDS: api.provider.environment.UPLOAD_URL_EXPIRES_SECONDS,
      POWERTOOLS_SERVICE_NAME: api.provider.environment.POWERTOOLS_SERVICE_NAME,
      CORS_ALLOWED_ORIGIN: '*',
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(api.functions[name].memorySize ?? api.provider.memorySize),
    });
  }
});

it("creates the table with infra.serverless.yml's keys and attributes", async () => {
  const table = resourceOfType('AWS::DynamoDB::Table').Properties;
  const client = new DynamoDBClient({
    endpoint: stack.outputs.dynamodbEndpoint,
    region: stack.outputs.region,
    credentials: localResourcesOf(stack.outputs).credentials,
  });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: stack.outputs.tableName }));
    expect(Table?.KeySchema).toEqual(table.KeySchema);
    expect(Table?.AttributeDefinitions).toEqual(table.AttributeDefinitions);
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)).toEqual(
      (table.GlobalSecondaryIndexes ?? []).map((index: { IndexName: string }) => index.IndexName),
    );
  } finally {
    client.destroy();
  }
});

it("gives the bucket infra.serverless.yml's CORS rules", async () => {
  const [rule] = resourceOfType('AWS::S3::Bucket').Properties.CorsConfiguration.CorsRules;
  const { CORSRules } = await s3Client(stack.outputs).send(new GetBucketCorsCommand({ Bucket: stack.outputs.bucketName }));
  expect(CORSRules).toHaveLength(1);
  expect(CORSRules?.[0]).toMatchObject({
    AllowedMethods: rule.AllowedMethods,
    AllowedHeaders: rule.AllowedHeaders,
    ExposeHeaders: rule.ExposedHeaders,
    MaxAgeSeconds: rule.MaxAge,
    AllowedOrigins: ['*'], // the webOrigin parameter's default, the one httpApi.cors allows too
  });
});

it("creates the SPA client with exactly infra.serverless.yml's auth flows (SRP works locally too)", async () => {
  const client = resourceOfType('AWS::Cognito::UserPoolClient').Properties;
  expect(client.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
  const cognito = cognitoClient(stack.outputs);
  try {
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: stack.outputs.userPoolId, ClientId: stack.outputs.userPoolClientId }),
    );
    expect([...(UserPoolClient?.ExplicitAuthFlows ?? [])].sort()).toEqual([...client.ExplicitAuthFlows].sort());
  } finally {
    cognito.destroy();
  }
});

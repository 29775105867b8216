// Packages both stacks offline (`npm run package`, i.e. osls package; one run shared with
// lambda-package.integration.test.ts, see package-once.ts) and checks the generated
// CloudFormation: against AWS's resource schemas (scripts/cfn-schema-validation.ts), then every
// route behind the Cognito JWT authorizer, least-privilege per-function roles, a private TLS-only
// bucket read only by CloudFront (OAC), and matching cross-stack exports.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_DEADLINE_SECONDS, EXPORT_RECORD_SECONDS } from '@event-photos/core';
import { TemplateSchemaValidator, type Template as SchemaTemplate } from './cfn-schema-validation.ts';
import { ALARM_TOPIC, API_PACKAGE_DIR, INFRA_PACKAGE_DIR, PACKAGE_TIMEOUT_MS, WEB_ORIGIN, packageOnce } from './package-once.ts';

const STAGE = 'dev';
const INFRA = `event-photos-infra-${STAGE}`;
const API = `event-photos-api-${STAGE}`;

// ------------------------------------------------------------------ template types and helpers
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: JsonObject;
  DependsOn?: string | string[];
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Json;
  Action?: string | string[];
  NotAction?: Json;
  Resource?: Json;
  NotResource?: Json;
  Condition?: JsonObject;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Renders a value with intrinsics as a readable string, so assertions compare whole resources:
 * `{ "Fn::Join": ["", [{ "Fn::ImportValue": "x" }, "/uploads/*"]] }` -> `{import:x}/uploads/*`.
 */
function render(value: Json | undefined): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const key = keys[0]!;
    const arg = value[key];
    if (key === 'Fn::ImportValue') return `{import:${render(arg)}}`;
    if (key === 'Ref') return `{ref:${render(arg)}}`;
    if (key === 'Fn::GetAtt') return `{getatt:${asArray(arg).map(render).join('.')}}`;
    if (key === 'Fn::Sub' && typeof arg === 'string') return arg;
    if (key === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
      return arg[1].map(render).join(arg[0]);
    }
  }
  return JSON.stringify(value);
}

function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function props(resource: Resource | undefined): JsonObject {
  expect(resource, 'resource exists').toBeDefined();
  return resource?.Properties ?? {};
}

function roleStatements(role: Resource): Statement[] {
  const policies = asArray(props(role)['Policies'] as Json[] | undefined);
  return policies.flatMap((policy) => {
    const document = isObject(policy) ? policy['PolicyDocument'] : undefined;
    return asArray((isObject(document) ? document['Statement'] : undefined) as unknown as Statement | Statement[] | undefined);
  });
}

function actionsOf(statement: Statement): string[] {
  return asArray(statement.Action);
}

function resourcesOf(statement: Statement): string[] {
  return asArray(statement.Resource as Json | Json[] | undefined).map((resource) => render(resource));
}

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` / `{ "Ref": id }` points at. */
function targetId(value: Json | undefined): string | undefined {
  if (!isObject(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  const ref = value['Ref'];
  return typeof ref === 'string' ? ref : undefined;
}

/** Every string `Fn::ImportValue` argument anywhere in a value. */
function importsIn(value: Json | undefined, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) importsIn(item, found);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Fn::ImportValue') found.add(render(item));
      importsIn(item, found);
    }
  }
  return found;
}

async function readTemplate(dir: string): Promise<Template> {
  return JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

// ------------------------------------------------------------------ expectations
const TABLE_ARN = `{import:${INFRA}-PhotosTableArn}`;
const UPLOADS_ARN = `{import:${INFRA}-PhotosBucketArn}/uploads/*`;
/** Where processing publishes accepted photos: the only prefix CloudFront reads. */
const PUBLISHED_ARN = `{import:${INFRA}-PhotosBucketArn}/photos/*`;
/** The untouched originals: written by processing, read only through get-original's presigned GET. */
const ORIGINALS_ARN = `{import:${INFRA}-PhotosBucketArn}/originals/*`;
const BUCKET_ARN = `{import:${INFRA}-PhotosBucketArn}`;
/** Download all: the worker's requests (written by createExport) and its zips (read through getExport's presigned GET). */
const EXPORT_REQUESTS_ARN = `{import:${INFRA}-PhotosBucketArn}/exports/requests/*`;
const EXPORT_ARCHIVES_ARN = `{import:${INFRA}-PhotosBucketArn}/exports/archives/*`;
const FAILURE_QUEUE_ARN = '{getatt:ProcessUploadedPhotoFailureQueue.Arn}';
/** The user pool, built from its id (CloudFormation imports only within the stack's region and account). */
const USER_POOL_ARN = `arn:{ref:AWS::Partition}:cognito-idp:{ref:AWS::Region}:{ref:AWS::AccountId}:userpool/{import:${INFRA}-UserPoolId}`;
/** What the functions that decide organizer rights add: the organizers group as the pool holds it now. */
const GROUP_CHECK = { 'cognito-idp:AdminListGroupsForUser': USER_POOL_ARN };
/** What the functions that delete photos add: CreateInvalidation on the photos' distribution, nothing else of CloudFront. */
const CDN_INVALIDATION = { 'cloudfront:CreateInvalidation': `{import:${INFRA}-CdnDistributionArn}` };

/** Least privilege per handler: the exact non-logging actions, each on the one resource it needs. */
const expectedFunctions: Record<string, { name: string; permissions: Record<string, string | string[]> }> = {
  'services/photos-api/src/http/initiate-upload.handler': {
    name: 'initiateUpload',
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      's3:PutObject': UPLOADS_ARN,
      ...GROUP_CHECK,
    },
  },
  'services/photos-api/src/http/list-photos.handler': {
    name: 'listPhotos',
    // The event's item and the caller's membership, then its photos through the two ready-time
    // indexes; a feed answer queries the change records on the table and reads edited photos again.
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:Query': [TABLE_ARN, `${TABLE_ARN}/index/byReady`, `${TABLE_ARN}/index/byUploader`],
      ...GROUP_CHECK,
    },
  },
  'services/photos-api/src/http/get-photo.handler': {
    name: 'getPhoto',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/get-original.handler': {
    name: 'getOriginalPhoto',
    // Its presigned GET is made with this role: originals/ and nothing else.
    permissions: { 'dynamodb:GetItem': TABLE_ARN, 'dynamodb:BatchGetItem': TABLE_ARN, 's3:GetObject': ORIGINALS_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/create-event.handler': {
    name: 'createEvent',
    permissions: { 'dynamodb:PutItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/edit-photo.handler': {
    name: 'editPhoto',
    // The edit and its change record for the feed in one transaction; the photo read back.
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      ...GROUP_CHECK,
    },
  },
  'services/photos-api/src/http/delete-photo.handler': {
    name: 'deletePhoto',
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      's3:DeleteObject': [UPLOADS_ARN, ORIGINALS_ARN, PUBLISHED_ARN],
      ...GROUP_CHECK,
      ...CDN_INVALIDATION,
    },
  },
  'services/photos-api/src/http/batch-delete-photos.handler': {
    name: 'batchDeletePhotos',
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      's3:DeleteObject': [UPLOADS_ARN, ORIGINALS_ARN, PUBLISHED_ARN],
      ...GROUP_CHECK,
      ...CDN_INVALIDATION,
    },
  },
  'services/photos-api/src/http/list-events.handler': {
    name: 'listEvents',
    // The index of the caller's events, then those events and the caller's access items from the table.
    permissions: { 'dynamodb:Query': `${TABLE_ARN}/index/gsi1`, 'dynamodb:BatchGetItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/get-event.handler': {
    name: 'getEvent',
    permissions: {
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:Query': [`${TABLE_ARN}/index/byReady`, `${TABLE_ARN}/index/byUploader`],
      ...GROUP_CHECK,
    },
  },
  'services/photos-api/src/http/update-event.handler': {
    name: 'updateEvent',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:UpdateItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/create-invite.handler': {
    name: 'createInvite',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:PutItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/list-invites.handler': {
    name: 'listInvites',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:Query': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/revoke-invite.handler': {
    name: 'revokeInvite',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:UpdateItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/join-event.handler': {
    name: 'joinEvent',
    // Any signed-in user: no group check. The attempt counter, the event and the invite, then one
    // transaction (the invite's ConditionCheck, the membership's Update).
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:UpdateItem': TABLE_ARN, 'dynamodb:ConditionCheckItem': TABLE_ARN },
  },
  'services/photos-api/src/http/list-members.handler': {
    name: 'listMembers',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:Query': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/http/remove-member.handler': {
    name: 'removeMember',
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 'dynamodb:DeleteItem': TABLE_ARN, 'dynamodb:UpdateItem': TABLE_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/s3/process-uploaded-photo.handler': {
    name: 'processUploadedPhoto',
    permissions: {
      's3:GetObject': UPLOADS_ARN,
      's3:DeleteObject': [UPLOADS_ARN, ORIGINALS_ARN, PUBLISHED_ARN],
      's3:PutObject': [ORIGINALS_ARN, PUBLISHED_ARN],
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
      'sqs:SendMessage': FAILURE_QUEUE_ARN,
    },
  },
  'services/photos-api/src/http/create-export.handler': {
    name: 'createExport',
    // The export and the caller's running-export lock in one transaction; the request that starts the worker.
    permissions: {
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:BatchGetItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
      's3:PutObject': EXPORT_REQUESTS_ARN,
      ...GROUP_CHECK,
    },
  },
  'services/photos-api/src/http/get-export.handler': {
    name: 'getExport',
    // Its presigned GET of the zip is made with this role: the zips and nothing else.
    permissions: { 'dynamodb:BatchGetItem': TABLE_ARN, 's3:GetObject': EXPORT_ARCHIVES_ARN, ...GROUP_CHECK },
  },
  'services/photos-api/src/exports/export-photos.handler': {
    name: 'exportPhotos',
    // Reads what the CDN serves (never uploads/ or originals/), writes only zips, deletes only its requests.
    permissions: {
      's3:GetObject': PUBLISHED_ARN,
      's3:PutObject': EXPORT_ARCHIVES_ARN,
      's3:AbortMultipartUpload': EXPORT_ARCHIVES_ARN,
      's3:DeleteObject': EXPORT_REQUESTS_ARN,
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
      'dynamodb:Query': [`${TABLE_ARN}/index/byReady`, `${TABLE_ARN}/index/byUploader`],
    },
  },
  'services/photos-api/src/jobs/reconcile-uploads.handler': {
    name: 'reconcileUploads',
    permissions: {
      's3:ListBucket': BUCKET_ARN,
      's3:GetObject': UPLOADS_ARN,
      's3:DeleteObject': [UPLOADS_ARN, ORIGINALS_ARN, PUBLISHED_ARN],
      's3:PutObject': [ORIGINALS_ARN, PUBLISHED_ARN],
      'dynamodb:GetItem': TABLE_ARN,
      'dynamodb:PutItem': TABLE_ARN,
      'dynamodb:UpdateItem': TABLE_ARN,
      'dynamodb:DeleteItem': TABLE_ARN,
    },
  },
};
const LOG_ACTIONS = new Set(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:TagResource']);
const CUSTOM_RESOURCE_HANDLER = 's3/handler.handler';

/** The functions that return photo URLs: they sign them for CloudFront, with the key they read from Parameter Store. */
const CDN_SIGNING_FUNCTIONS = ['editPhoto', 'getPhoto', 'initiateUpload', 'listPhotos'];
/** The SecureString holding the CDN private key (serverless.yml param cdnPrivateKeyParameter), and its ARN. */
const CDN_KEY_PARAMETER = `/event-photos/${STAGE}/cdn-private-key-a`;
const CDN_KEY_ARN = `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${CDN_KEY_PARAMETER}`;
for (const expected of Object.values(expectedFunctions)) {
  // GetParameter on that one parameter; no kms:Decrypt (aws/ssm lets the account's principals decrypt through SSM).
  if (CDN_SIGNING_FUNCTIONS.includes(expected.name)) expected.permissions['ssm:GetParameter'] = CDN_KEY_ARN;
}

let infra: Template;
let api: Template;
let schemas: TemplateSchemaValidator;

let leftInTemp: string[];
beforeAll(async () => {
  ({ leftInTemp } = await packageOnce());
  [infra, api, schemas] = await Promise.all([
    readTemplate(INFRA_PACKAGE_DIR),
    readTemplate(API_PACKAGE_DIR),
    TemplateSchemaValidator.load(),
  ]);
}, PACKAGE_TIMEOUT_MS);

// ------------------------------------------------------------------ CloudFormation's own schemas
describe('npm run package', () => {
  it('leaves nothing in the temp folder (serverless-esbuild keeps a copy of each function it zips)', () => {
    // Node's own module compile cache (npm turns it on) is kept there on purpose.
    expect(leftInTemp.filter((name) => name !== 'node-compile-cache')).toEqual([]);
  });
});

describe('both templates against the CloudFormation resource schemas (@aws-cdk/aws-service-spec)', () => {
  const validate = (template: Template, other: Template) =>
    schemas.validate(template as unknown as SchemaTemplate, [other as unknown as SchemaTemplate]);
  /** A copy of `template` changed by `change`. */
  const edited = (template: Template, change: (copy: Template) => void) => {
    const copy = structuredClone(template);
    change(copy);
    return copy;
  };

  it('finds every resource type, property and type known, every reference and import resolved', () => {
    expect(validate(infra, api)).toEqual([]);
    expect(validate(api, infra)).toEqual([]);
  });

  it('fails a misspelt property, at any depth', () => {
    const rule = (template: Template) =>
      ((props(template.Resources['PhotosBucket'])['CorsConfiguration'] as JsonObject)['CorsRules'] as JsonObject[])[0]!;
    const misspelt = edited(infra, (copy) => {
      const cors = rule(copy);
      cors['AllowedOrigin'] = cors['AllowedOrigins']!;
      delete cors['AllowedOrigins'];
    });
    expect(validate(misspelt, api)).toEqual([
      'Resources.PhotosBucket.Properties.CorsConfiguration.CorsRules[0]: missing required property AllowedOrigins',
      'Resources.PhotosBucket.Properties.CorsConfiguration.CorsRules[0]: unknown property AllowedOrigin',
    ]);
    const topLevel = edited(api, (copy) => {
      const fn = props(copy.Resources['InitiateUploadLambdaFunction']);
      fn['MemorySise'] = fn['MemorySize']!;
      delete fn['MemorySize'];
    });
    expect(validate(topLevel, infra)).toEqual(['Resources.InitiateUploadLambdaFunction.Properties: unknown property MemorySise']);
  });

  it('fails a wrong type, an unknown resource type, a malformed intrinsic and a value outside its enum', () => {
    const broken = edited(api, (copy) => {
      props(copy.Resources['InitiateUploadLambdaFunction'])['Timeout'] = 'ten';
      props(copy.Resources['ProcessUploadedPhotoFailureQueue'])['SqsManagedSseEnabled'] = { enabled: true };
      props(copy.Resources['GetPhotoLambdaFunction'])['Handler'] = { 'Fn::Joinn': ['', ['a', 'b']] };
      props(copy.Resources['ListPhotosLambdaFunction'])['PackageType'] = 'zip';
      copy.Resources['Extra'] = { Type: 'AWS::SQS::Queues' };
    });
    expect(validate(broken, infra).sort()).toEqual([
      'Resources.Extra.Type: AWS::SQS::Queues is not a CloudFormation resource type',
      'Resources.GetPhotoLambdaFunction.Properties.Handler: unknown property Fn::Joinn',
      'Resources.InitiateUploadLambdaFunction.Properties.Timeout: "ten" must match pattern "^-?[0-9]+$"',
      'Resources.ListPhotosLambdaFunction.Properties.PackageType: "zip" must be equal to one of the allowed values (Image, Zip)',
      'Resources.ProcessUploadedPhotoFailureQueue.Properties.SqsManagedSseEnabled: {"enabled":true} must be equal to one of the allowed values (true, false)',
    ]);
  });

  it('fails a Ref, Fn::GetAtt, Fn::Sub variable or DependsOn to nothing, and an import no stack exports', () => {
    const dangling = edited(infra, (copy) => {
      props(copy.Resources['PhotosBucketPolicy'])['Bucket'] = { Ref: 'PhotoBucket' };
      props(copy.Resources['OrganizersGroup'])['Description'] = { 'Fn::GetAtt': ['UserPool', 'Arnn'] };
      copy.Outputs!['UserPoolIssuerUrl']!.Value = { 'Fn::Sub': 'https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPools}' };
      copy.Resources['UserPoolClient']!.DependsOn = ['UserPools'];
    });
    expect(validate(dangling, api).sort()).toEqual([
      'Outputs.UserPoolIssuerUrl.Value: Ref UserPools is no resource, parameter or pseudo parameter',
      'Resources.OrganizersGroup.Properties.Description: AWS::Cognito::UserPool UserPool has no attribute Arnn',
      'Resources.PhotosBucketPolicy.Properties.Bucket: Ref PhotoBucket is no resource, parameter or pseudo parameter',
      'Resources.UserPoolClient.DependsOn: "UserPools" is no resource',
    ]);
    // The API stack's imports are checked against the infra stack's exports, both ways round.
    const renamedExport = edited(infra, (copy) => {
      copy.Outputs!['PhotosTableName']!.Export = { Name: `${INFRA}-TableName` };
    });
    const problems = validate(api, renamedExport);
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((problem) => problem.replace(/^Resources\.\w+\./, '')))).toEqual(
      new Set([
        `Properties.Environment.Variables.PHOTOS_TABLE_NAME: Fn::ImportValue ${INFRA}-PhotosTableName is exported by no other stack`,
      ]),
    );
  });
});

// ------------------------------------------------------------------ API stack
describe('API stack (serverless.yml)', () => {
  it('routes every HTTP API route through the Cognito JWT authorizer', () => {
    const routes = ofType(api, 'AWS::ApiGatewayV2::Route');
    expect(routes.map(([, route]) => props(route)['RouteKey']).sort()).toEqual([
      'DELETE /events/{eventId}/invites/{inviteId}',
      'DELETE /events/{eventId}/members/{memberId}',
      'DELETE /events/{eventId}/photos/{photoId}',
      'GET /events',
      'GET /events/{eventId}',
      'GET /events/{eventId}/exports/{exportId}',
      'GET /events/{eventId}/invites',
      'GET /events/{eventId}/members',
      'GET /events/{eventId}/photos',
      'GET /events/{eventId}/photos/{photoId}',
      'GET /events/{eventId}/photos/{photoId}/original',
      'PATCH /events/{eventId}',
      'PATCH /events/{eventId}/photos/{photoId}',
      'POST /events',
      'POST /events/{eventId}/exports',
      'POST /events/{eventId}/invites',
      'POST /events/{eventId}/members',
      'POST /events/{eventId}/photos/batch-delete',
      'POST /events/{eventId}/photos/initiate-upload',
    ]);
    for (const [id, route] of routes) {
      const properties = props(route);
      expect(properties['AuthorizationType'], id).toBe('JWT');
      const authorizerId = targetId(properties['AuthorizerId']);
      expect(authorizerId, `${id} AuthorizerId`).toBeDefined();
      const authorizer = api.Resources[authorizerId!];
      expect(authorizer?.Type, `${id} authorizer`).toBe('AWS::ApiGatewayV2::Authorizer');
      expect(props(authorizer)['AuthorizerType']).toBe('JWT');
    }
  });

  it('has one JWT authorizer with the Cognito issuer and the SPA client as audience', () => {
    const authorizers = ofType(api, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const properties = props(authorizers[0]![1]);
    expect(properties['Name']).toBe('cognito');
    expect(properties['AuthorizerType']).toBe('JWT');
    expect(properties['IdentitySource']).toEqual(['$request.header.Authorization']);
    const jwt = properties['JwtConfiguration'];
    expect(isObject(jwt)).toBe(true);
    if (!isObject(jwt)) return;
    expect(render(jwt['Issuer'])).toBe(`{import:${INFRA}-UserPoolIssuerUrl}`);
    expect(asArray(jwt['Audience'] as Json[]).map((item) => render(item))).toEqual([`{import:${INFRA}-UserPoolClientId}`]);
  });

  it('runs every handler on nodejs22.x arm64, each with its own role', () => {
    const functions = ofType(api, 'AWS::Lambda::Function').filter(([, fn]) => props(fn)['Handler'] !== CUSTOM_RESOURCE_HANDLER);
    expect(functions.map(([, fn]) => props(fn)['Handler']).sort()).toEqual(Object.keys(expectedFunctions).sort());
    const roles = new Set<string>();
    for (const [id, fn] of functions) {
      const properties = props(fn);
      expect(properties['Runtime'], id).toBe('nodejs22.x');
      expect(properties['Architectures'], id).toEqual(['arm64']);
      const isProcessor = properties['Handler'] === 'services/photos-api/src/s3/process-uploaded-photo.handler';
      const isReconciler = properties['Handler'] === 'services/photos-api/src/jobs/reconcile-uploads.handler';
      const isExporter = properties['Handler'] === 'services/photos-api/src/exports/export-photos.handler';
      expect(properties['MemorySize'], id).toBe(isProcessor || isReconciler ? 1769 : isExporter ? 1024 : 512);
      if (isProcessor) expect(properties['Timeout'], id).toBe(60);
      if (isReconciler || isExporter) expect(properties['Timeout'], id).toBe(900);
      const roleId = targetId(properties['Role']);
      expect(roleId, `${id} Role`).toBeDefined();
      expect(roleId, `${id} must not use the shared default role`).not.toBe('IamRoleLambdaExecution');
      roles.add(roleId!);
    }
    expect(roles.size).toBe(functions.length);
  });

  it('gives each function exactly the actions it needs, on the resources it needs', () => {
    for (const [handler, expected] of Object.entries(expectedFunctions)) {
      const entry = ofType(api, 'AWS::Lambda::Function').find(([, fn]) => props(fn)['Handler'] === handler);
      expect(entry, handler).toBeDefined();
      const roleId = targetId(props(entry![1])['Role'])!;
      const role = api.Resources[roleId];
      expect(role?.Type, roleId).toBe('AWS::IAM::Role');
      expect(asArray(props(role)['ManagedPolicyArns'] as Json[] | undefined), `${roleId} managed policies`).toEqual([]);

      const granted: Record<string, string[]> = {};
      for (const statement of roleStatements(role!)) {
        expect(statement.Effect, roleId).toBe('Allow');
        expect(statement.NotAction, roleId).toBeUndefined();
        expect(statement.NotResource, roleId).toBeUndefined();
        for (const action of actionsOf(statement)) {
          if (LOG_ACTIONS.has(action)) {
            // Logging only into the function's own log group.
            for (const resource of resourcesOf(statement)) {
              expect(resource, `${roleId} ${action}`).toContain(`:log-group:/aws/lambda/${API}-${expected.name}:`);
            }
            continue;
          }
          (granted[action] ??= []).push(...resourcesOf(statement));
        }
      }
      expect(Object.keys(granted).sort(), `${expected.name} actions`).toEqual(Object.keys(expected.permissions).sort());
      for (const [action, resource] of Object.entries(expected.permissions)) {
        expect(granted[action], `${expected.name} ${action}`).toEqual([resource].flat());
      }
    }
  });

  it('leaves the shared default role (if osls still emits it) unused and limited to logging', () => {
    const role = api.Resources['IamRoleLambdaExecution'];
    if (!role) return;
    for (const statement of roleStatements(role)) {
      for (const action of actionsOf(statement)) {
        // osls also grants a destination's permission here; it must name only the failure queue.
        if (action === 'sqs:SendMessage') expect(resourcesOf(statement)).toEqual([FAILURE_QUEUE_ARN]);
        else expect(LOG_ACTIONS.has(action), action).toBe(true);
      }
    }
    const users = ofType(api, 'AWS::Lambda::Function').filter(([, fn]) => targetId(props(fn)['Role']) === 'IamRoleLambdaExecution');
    expect(users.map(([id]) => id)).toEqual([]);
  });

  it('wires the S3 triggers to the existing bucket (uploads/, exports/requests/) with a custom resource scoped to that bucket and those functions', () => {
    const triggers = Object.fromEntries(
      ofType(api, 'Custom::S3').map(([, trigger]) => [String(props(trigger)['FunctionName']), props(trigger)] as const),
    );
    expect(Object.keys(triggers).sort()).toEqual([`${API}-exportPhotos`, `${API}-processUploadedPhoto`]);
    for (const [name, prefix] of [
      ['processUploadedPhoto', 'uploads/'],
      ['exportPhotos', 'exports/requests/'],
    ] as const) {
      const trigger = triggers[`${API}-${name}`]!;
      expect(render(trigger['BucketName'])).toBe(`{import:${INFRA}-PhotosBucketName}`);
      expect(trigger['BucketConfigs']).toEqual([{ Event: 's3:ObjectCreated:*', Rules: [{ Prefix: prefix }] }]);
    }

    // The osls custom-resource Lambda that puts the bucket notification: its role may only touch
    // the notification configuration of the photos bucket and the permission of those functions.
    const customFunctions = ofType(api, 'AWS::Lambda::Function').filter(([, fn]) => props(fn)['Handler'] === CUSTOM_RESOURCE_HANDLER);
    expect(customFunctions).toHaveLength(1);
    const roleId = targetId(props(customFunctions[0]![1])['Role'])!;
    const granted: Record<string, string[]> = {};
    for (const statement of roleStatements(api.Resources[roleId]!)) {
      expect(statement.Effect).toBe('Allow');
      for (const action of actionsOf(statement)) (granted[action] ??= []).push(...resourcesOf(statement));
    }
    const bucket = `arn:{ref:AWS::Partition}:s3:::{import:${INFRA}-PhotosBucketName}`;
    const fn = (name: string) => `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${API}-${name}`;
    const functions = [fn('processUploadedPhoto'), fn('exportPhotos')];
    expect(granted).toEqual({
      's3:PutBucketNotification': [bucket],
      's3:GetBucketNotification': [bucket],
      'lambda:AddPermission': functions,
      'lambda:RemovePermission': functions,
    });
  });

  it('retries failed S3 events twice, then sends them to the encrypted failure queue', () => {
    const configs = ofType(api, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, invokeConfig]) => targetId(props(invokeConfig)['FunctionName']) === 'ProcessUploadedPhotoLambdaFunction',
    );
    expect(configs).toHaveLength(1);
    const config = props(configs[0]![1]);
    expect(targetId(config['FunctionName'])).toBe('ProcessUploadedPhotoLambdaFunction');
    expect(config['MaximumRetryAttempts']).toBe(2);
    expect(render((config['DestinationConfig'] as JsonObject)['OnFailure'] as Json)).toBe(
      JSON.stringify({ Destination: { 'Fn::GetAtt': ['ProcessUploadedPhotoFailureQueue', 'Arn'] } }),
    );
    const queue = props(api.Resources['ProcessUploadedPhotoFailureQueue']);
    expect(queue['SqsManagedSseEnabled']).toBe(true);
    expect(queue['MessageRetentionPeriod']).toBe(1209600);
  });

  it("never retries an export run (it would start the zip over, past its time) and drops a request older than the export's deadline", () => {
    const configs = ofType(api, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, invokeConfig]) => targetId(props(invokeConfig)['FunctionName']) === 'ExportPhotosLambdaFunction',
    );
    expect(configs).toHaveLength(1);
    const config = props(configs[0]![1]);
    expect(config['MaximumRetryAttempts']).toBe(0);
    expect(config['MaximumEventAgeInSeconds']).toBe(EXPORT_DEADLINE_SECONDS);
    expect(ofType(api, 'AWS::Lambda::EventInvokeConfig')).toHaveLength(2);
  });

  it('imports only values the infra stack exports', () => {
    const exported = new Set(Object.values(infra.Outputs ?? {}).map((output) => render(output.Export?.Name)));
    const imported = importsIn(api.Resources as unknown as Json);
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) expect(exported, name).toContain(name);
  });

  it('gives every function the photo environment', () => {
    for (const [id, fn] of ofType(api, 'AWS::Lambda::Function')) {
      if (props(fn)['Handler'] === CUSTOM_RESOURCE_HANDLER) continue;
      const environment = props(fn)['Environment'];
      const variables = isObject(environment) && isObject(environment['Variables']) ? environment['Variables'] : {};
      expect(render(variables['PHOTOS_TABLE_NAME']), id).toBe(`{import:${INFRA}-PhotosTableName}`);
      expect(render(variables['PHOTOS_BUCKET_NAME']), id).toBe(`{import:${INFRA}-PhotosBucketName}`);
      expect(render(variables['PHOTOS_CDN_BASE_URL']), id).toBe(`https://{import:${INFRA}-CdnDomainName}`);
      expect(variables['MAX_UPLOAD_BYTES'], id).toBe('26214400');
      expect(variables['UPLOAD_URL_EXPIRES_SECONDS'], id).toBe('300');
    }
  });

  it('gives the distribution id to the functions that may invalidate it, and only to them', () => {
    const withDistribution: string[] = [];
    for (const [, fn] of ofType(api, 'AWS::Lambda::Function')) {
      const variables = ((props(fn)['Environment'] as JsonObject | undefined)?.['Variables'] ?? {}) as JsonObject;
      if (variables['PHOTOS_CDN_DISTRIBUTION_ID'] === undefined) continue;
      expect(render(variables['PHOTOS_CDN_DISTRIBUTION_ID'])).toBe(`{import:${INFRA}-CdnDistributionId}`);
      withDistribution.push(String(props(fn)['Handler']));
    }
    const invalidating = Object.entries(expectedFunctions).filter(
      ([, expected]) => 'cloudfront:CreateInvalidation' in expected.permissions,
    );
    expect(withDistribution.sort()).toEqual(invalidating.map(([handler]) => handler).sort());
    // Every function that deletes photos (and so their published objects); none else.
    expect(invalidating.map(([, expected]) => expected.name).sort()).toEqual(['batchDeletePhotos', 'deletePhoto']);
  });

  it('gives the user pool id to the functions that check the organizers group, and only to them', () => {
    const withPool: string[] = [];
    for (const [, fn] of ofType(api, 'AWS::Lambda::Function')) {
      const variables = ((props(fn)['Environment'] as JsonObject | undefined)?.['Variables'] ?? {}) as JsonObject;
      if (variables['USER_POOL_ID'] === undefined) continue;
      expect(render(variables['USER_POOL_ID'])).toBe(`{import:${INFRA}-UserPoolId}`);
      withPool.push(String(props(fn)['Handler']));
    }
    const checking = Object.entries(expectedFunctions).filter(
      ([, expected]) => 'cognito-idp:AdminListGroupsForUser' in expected.permissions,
    );
    expect(withPool.sort()).toEqual(checking.map(([handler]) => handler).sort());
    // Every function that decides organizer rights: all the event's routes but joining, which anyone may.
    expect(checking.map(([, expected]) => expected.name).sort()).toEqual([
      'batchDeletePhotos',
      'createEvent',
      'createExport',
      'createInvite',
      'deletePhoto',
      'editPhoto',
      'getEvent',
      'getExport',
      'getOriginalPhoto',
      'getPhoto',
      'initiateUpload',
      'listEvents',
      'listInvites',
      'listMembers',
      'listPhotos',
      'removeMember',
      'revokeInvite',
      'updateEvent',
    ]);
  });

  it("gives the web app's address (param webAppUrl, else webOrigin) to createInvite, and only to it, for the invite links", () => {
    const withUrl = ofType(api, 'AWS::Lambda::Function').flatMap(([, fn]) => {
      const variables = ((props(fn)['Environment'] as JsonObject | undefined)?.['Variables'] ?? {}) as JsonObject;
      return variables['WEB_APP_URL'] === undefined ? [] : [[props(fn)['Handler'], variables['WEB_APP_URL']]];
    });
    expect(withUrl).toEqual([['services/photos-api/src/http/create-invite.handler', WEB_ORIGIN]]);
  });

  it("gives every function the one origin the HTTP API's CORS allows (the webOrigin parameter), for the CORS headers it sets", () => {
    const apis = ofType(api, 'AWS::ApiGatewayV2::Api');
    expect(apis).toHaveLength(1);
    const allowOrigins = (props(apis[0]![1])['CorsConfiguration'] as JsonObject)['AllowOrigins'];
    expect(allowOrigins).toEqual([WEB_ORIGIN]);
    for (const [id, fn] of ofType(api, 'AWS::Lambda::Function')) {
      if (props(fn)['Handler'] === CUSTOM_RESOURCE_HANDLER) continue;
      const variables = (props(fn)['Environment'] as JsonObject)['Variables'] as JsonObject;
      expect(variables['CORS_ALLOWED_ORIGIN'], id).toBe((allowOrigins as Json[])[0]);
    }
  });

  it('gives the CDN signing settings to the functions that return photo URLs, and only to them; never a key', () => {
    const signing: string[] = [];
    for (const [, fn] of ofType(api, 'AWS::Lambda::Function')) {
      const variables = ((props(fn)['Environment'] as JsonObject | undefined)?.['Variables'] ?? {}) as JsonObject;
      const names = ['CDN_KEY_PAIR_ID', 'CDN_PRIVATE_KEY_PARAMETER', 'CDN_URL_WINDOW_SECONDS'].filter((name) => name in variables);
      if (names.length === 0) continue;
      expect(names, String(props(fn)['Handler'])).toHaveLength(3);
      // The key's id is the deploy parameter cdnKeyPairId (not passed here: empty, and the functions refuse to start).
      expect(variables['CDN_KEY_PAIR_ID']).toBe('');
      expect(variables['CDN_PRIVATE_KEY_PARAMETER']).toBe(CDN_KEY_PARAMETER);
      // 15-minute windows, each signature valid one more window: at most 30 minutes after access ends.
      expect(variables['CDN_URL_WINDOW_SECONDS']).toBe('900');
      signing.push(expectedFunctions[String(props(fn)['Handler'])]!.name);
    }
    expect(signing.sort()).toEqual(CDN_SIGNING_FUNCTIONS);
    // The private key reaches the functions from Parameter Store only: never in the template or an environment.
    const text = JSON.stringify(api);
    expect(text).not.toMatch(/PRIVATE KEY|CDN_PRIVATE_KEY_PEM/);
    expect(text).not.toMatch(/"kms:/);
  });
});

describe('API stack limits and alarms', () => {
  it('throttles the stage, initiate-upload, batch-delete and exports tighter, once their routes exist', () => {
    const stages = ofType(api, 'AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0]!;
    expect(props(stage)['DefaultRouteSettings']).toEqual({
      DetailedMetricsEnabled: false,
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
    });
    const routeSettings = props(stage)['RouteSettings'] as JsonObject;
    expect(routeSettings).toEqual({
      'POST /events/{eventId}/photos/initiate-upload': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      'POST /events/{eventId}/photos/batch-delete': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      'POST /events/{eventId}/exports': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    // Each throttled route key is a route of this API, created before the stage names it.
    const routeIds = Object.fromEntries(ofType(api, 'AWS::ApiGatewayV2::Route').map(([id, route]) => [props(route)['RouteKey'], id]));
    for (const key of Object.keys(routeSettings)) {
      expect(routeIds[key], key).toBeDefined();
      expect(asArray(stage.DependsOn)).toContain(routeIds[key]);
    }
  });

  it('reserves concurrency for S3 processing (50), the reconcile job (1) and the export worker (10), and for nothing else', () => {
    const reserved = Object.fromEntries(
      ofType(api, 'AWS::Lambda::Function')
        .filter(([, fn]) => props(fn)['ReservedConcurrentExecutions'] !== undefined)
        .map(([id, fn]) => [id, props(fn)['ReservedConcurrentExecutions']]),
    );
    expect(reserved).toEqual({ ProcessUploadedPhotoLambdaFunction: 50, ReconcileUploadsLambdaFunction: 1, ExportPhotosLambdaFunction: 10 });
  });

  it('alarms on the failure queue, handler errors, throttles and reconcile failures, to the alarmTopicArn topic', () => {
    const alarms = Object.fromEntries(ofType(api, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => [id, props(alarm)]));
    const metricOf = (alarm: JsonObject) =>
      `${alarm['Namespace']}/${alarm['MetricName']} ${render(alarm['Dimensions'])} ${alarm['ComparisonOperator']} ${alarm['Threshold']}`;
    expect(metricOf(alarms['FailureQueueAlarm']!)).toBe(
      'AWS/SQS/ApproximateNumberOfMessagesVisible [{"Name":"QueueName","Value":{"Fn::GetAtt":["ProcessUploadedPhotoFailureQueue","QueueName"]}}] GreaterThanThreshold 0',
    );
    expect(metricOf(alarms['HttpApiErrorsAlarm']!)).toBe(
      'AWS/ApiGateway/5xx [{"Name":"ApiId","Value":{"Ref":"HttpApi"}}] GreaterThanOrEqualToThreshold 5',
    );
    expect(metricOf(alarms['ProcessingErrorsAlarm']!)).toBe(
      'AWS/Lambda/Errors [{"Name":"FunctionName","Value":{"Ref":"ProcessUploadedPhotoLambdaFunction"}}] GreaterThanOrEqualToThreshold 5',
    );
    expect(metricOf(alarms['ThrottlesAlarm']!)).toBe('AWS/Lambda/Throttles undefined GreaterThanThreshold 0');
    // Reconcile: a failed run, or an object it logged as failed (a metric filter on its log group).
    const reconcile = alarms['ReconcileFailuresAlarm']!;
    expect(render(reconcile['Metrics'])).toContain('"Ref":"ReconcileUploadsLambdaFunction"');
    expect(render(reconcile['Metrics'])).toContain('"MetricName":"ReconcileFailedObjects"');
    const filters = ofType(api, 'AWS::Logs::MetricFilter').map(([, filter]) => props(filter));
    expect(filters).toEqual([
      expect.objectContaining({
        LogGroupName: { Ref: 'ReconcileUploadsLogGroup' },
        FilterPattern: '{ $.message = "Reconciling an upload failed" }',
      }),
    ]);
    expect(Object.keys(alarms).sort()).toEqual([
      'FailureQueueAlarm',
      'HttpApiErrorsAlarm',
      'ProcessingErrorsAlarm',
      'ReconcileFailuresAlarm',
      'ThrottlesAlarm',
    ]);
    for (const [id, alarm] of Object.entries(alarms)) {
      for (const actions of ['AlarmActions', 'OKActions']) {
        expect(alarm[actions], `${id} ${actions}`).toEqual({ 'Fn::If': ['HasAlarmTopic', [ALARM_TOPIC], { Ref: 'AWS::NoValue' }] });
      }
    }
    // Without a topic (the default) the alarms notify no one rather than an empty ARN.
    expect((api as unknown as { Conditions: JsonObject }).Conditions['HasAlarmTopic']).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [ALARM_TOPIC, ''] }],
    });
  });
});

// ------------------------------------------------------------------ both stacks
describe('IAM in both stacks', () => {
  it('has no wildcard actions, no s3:HeadObject, and no wildcard S3/DynamoDB resources', () => {
    for (const [stack, template] of [
      ['infra', infra],
      ['api', api],
    ] as const) {
      const roles = ofType(template, 'AWS::IAM::Role');
      if (stack === 'api') expect(roles.length).toBeGreaterThanOrEqual(6);
      for (const [id, role] of roles) {
        for (const statement of roleStatements(role)) {
          expect(statement.NotAction, id).toBeUndefined();
          expect(statement.NotResource, id).toBeUndefined();
          const actions = actionsOf(statement);
          for (const action of actions) {
            expect(action, `${stack} ${id}`).not.toContain('*');
            expect(action.toLowerCase(), `${stack} ${id}`).not.toBe('s3:headobject');
          }
          if (actions.some((action) => /^(s3|dynamodb|cognito-idp|cloudfront):/i.test(action))) {
            for (const resource of resourcesOf(statement)) {
              expect(resource, `${stack} ${id} ${actions.join(',')}`).not.toBe('*');
              // The only wildcards allowed are the uploads/ (quarantine), originals/ (untouched, private), photos/
              // (published) and exports/requests/ and exports/archives/ (download all, private) key prefixes.
              expect(
                resource.replace(/\/(uploads|originals|photos|exports\/requests|exports\/archives)\/\*$/, ''),
                `${stack} ${id} ${actions.join(',')}`,
              ).not.toContain('*');
            }
          }
        }
      }
    }
  });
});

// ------------------------------------------------------------------ infra stack
describe('infra stack (infra.serverless.yml)', () => {
  it('has no Lambda function', () => {
    expect(ofType(infra, 'AWS::Lambda::Function')).toEqual([]);
  });

  it('blocks all public access on every bucket', () => {
    for (const [stack, template] of [
      ['infra', infra],
      ['api', api],
    ] as const) {
      const buckets = ofType(template, 'AWS::S3::Bucket');
      expect(buckets.length).toBeGreaterThan(0);
      for (const [id, bucket] of buckets) {
        expect(props(bucket)['PublicAccessBlockConfiguration'], `${stack} ${id}`).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    }
  });

  it('keeps the photos bucket private, owner-enforced, encrypted, with upload CORS and multipart cleanup', () => {
    const bucket = props(infra.Resources['PhotosBucket']);
    expect(bucket['OwnershipControls']).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(render(bucket['BucketEncryption'])).toContain('"SSEAlgorithm":"AES256"');
    expect(bucket['AccessControl']).toBeUndefined();

    const cors = bucket['CorsConfiguration'];
    const rules = isObject(cors) ? asArray(cors['CorsRules'] as Json[]) : [];
    expect(rules).toHaveLength(1);
    const rule = rules[0];
    expect(isObject(rule)).toBe(true);
    if (!isObject(rule)) return;
    expect(rule['AllowedMethods']).toEqual(expect.arrayContaining(['PUT', 'GET', 'HEAD']));
    expect((rule['AllowedMethods'] as string[]).every((method) => ['PUT', 'GET', 'HEAD'].includes(method))).toBe(true);
    expect(rule['AllowedHeaders']).toEqual(
      expect.arrayContaining(['content-type', 'content-length', 'cache-control', 'if-none-match', 'x-amz-*']),
    );
    expect(rule['AllowedHeaders']).not.toContain('*');
    expect(rule['ExposedHeaders']).toContain('ETag');
    // The SPA origin from the `webOrigin` parameter, the one the API stack's CORS allows too.
    expect(rule['AllowedOrigins']).toEqual([WEB_ORIGIN]);

    const lifecycle = bucket['LifecycleConfiguration'];
    const lifecycleRules = isObject(lifecycle) ? asArray(lifecycle['Rules'] as Json[]) : [];
    // The quarantine expires after the failure queue's 14 days: reconcile lists only the backlog.
    expect(lifecycleRules).toContainEqual(expect.objectContaining({ Status: 'Enabled', Prefix: 'uploads/', ExpirationInDays: 15 }));
    expect(lifecycleRules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
    // Exports (the worker's requests and zips) go after a day, as their records do.
    expect(EXPORT_RECORD_SECONDS).toBe(24 * 3600);
    expect(lifecycleRules).toContainEqual(expect.objectContaining({ Status: 'Enabled', Prefix: 'exports/', ExpirationInDays: 1 }));
  });

  it('lets no public principal in: Principal "*" only in Deny statements, TLS enforced, reads only from this CloudFront distribution', () => {
    for (const [stack, template] of [
      ['infra', infra],
      ['api', api],
    ] as const) {
      for (const [id, policy] of ofType(template, 'AWS::S3::BucketPolicy')) {
        const document = props(policy)['PolicyDocument'];
        const statements = asArray((isObject(document) ? document['Statement'] : []) as unknown as Statement[]);
        for (const statement of statements) {
          const principal = statement.Principal;
          const isPublic = principal === '*' || (isObject(principal) && asArray(principal['AWS'] as Json[]).includes('*'));
          if (isPublic) expect(statement.Effect, `${stack} ${id} ${statement.Sid ?? ''}`).toBe('Deny');
        }
      }
    }

    const policies = ofType(infra, 'AWS::S3::BucketPolicy').filter(([, policy]) => targetId(props(policy)['Bucket']) === 'PhotosBucket');
    expect(policies).toHaveLength(1);
    const document = props(policies[0]![1])['PolicyDocument'];
    const statements = asArray((isObject(document) ? document['Statement'] : []) as unknown as Statement[]);

    const tls = statements.find((statement) => statement.Effect === 'Deny' && render(statement.Condition).includes('aws:SecureTransport'));
    expect(tls, 'TLS-only statement').toBeDefined();
    expect(tls!.Principal).toBe('*');
    expect(actionsOf(tls!)).toEqual(['s3:*']);
    expect(tls!.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(resourcesOf(tls!).sort()).toEqual(['{getatt:PhotosBucket.Arn}', '{getatt:PhotosBucket.Arn}/*']);

    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    const allow = allows[0]!;
    expect(allow.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(actionsOf(allow)).toEqual(['s3:GetObject']);
    // Published photos only: the upload quarantine is never readable through the CDN.
    expect(resourcesOf(allow)).toEqual(['{getatt:PhotosBucket.Arn}/photos/*']);
    const distributionId = ofType(infra, 'AWS::CloudFront::Distribution')[0]?.[0];
    expect(distributionId).toBeDefined();
    expect(allow.Condition).toEqual({
      StringEquals: {
        'AWS:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}` },
      },
    });
  });

  it('serves the bucket through CloudFront with an Origin Access Control (no OAI), HTTPS only', () => {
    const distributions = ofType(infra, 'AWS::CloudFront::Distribution');
    expect(distributions).toHaveLength(1);
    const config = props(distributions[0]![1])['DistributionConfig'];
    expect(isObject(config)).toBe(true);
    if (!isObject(config)) return;
    expect(config['HttpVersion']).toBe('http2and3');
    const origins = asArray(config['Origins'] as Json[]);
    expect(origins).toHaveLength(1);
    const origin = origins[0];
    if (!isObject(origin)) throw new Error('origin is not an object');
    expect(render(origin['DomainName'])).toBe('{getatt:PhotosBucket.RegionalDomainName}');
    expect(origin['S3OriginConfig']).toEqual({ OriginAccessIdentity: '' });
    const oacId = targetId(origin['OriginAccessControlId']);
    expect(oacId, 'OriginAccessControlId').toBeDefined();
    const oac = infra.Resources[oacId!];
    expect(oac?.Type).toBe('AWS::CloudFront::OriginAccessControl');
    expect(props(oac)['OriginAccessControlConfig']).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(ofType(infra, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    expect(config['DefaultCacheBehavior']).toMatchObject({
      TargetOriginId: origin['Id'],
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: { Ref: 'PhotosCachePolicy' },
      // Managed CORS-and-SecurityHeadersPolicy: X-Content-Type-Options nosniff, HSTS, ..., and
      // Access-Control-Allow-Origin: * (the web app fetches a photo to save it; the local CDN sends the same).
      ResponseHeadersPolicyId: 'e61eb60c-9c35-4d20-a928-2b84e02af89c',
    });
  });

  it("serves only signed URLs: a key group of the deploy parameters' public keys, trusted by the photo behaviour", () => {
    const [[, distribution]] = ofType(infra, 'AWS::CloudFront::Distribution') as [[string, Resource]];
    const behaviour = (props(distribution)['DistributionConfig'] as JsonObject)['DefaultCacheBehavior'] as JsonObject;
    expect(behaviour['TrustedKeyGroups']).toEqual([{ Ref: 'CdnKeyGroup' }]);
    // The only behaviour: every path needs a signature (the bucket policy lets CloudFront read photos/ only).
    expect((props(distribution)['DistributionConfig'] as JsonObject)['CacheBehaviors']).toBeUndefined();

    expect(infra.Resources['CdnKeyGroup']?.Type).toBe('AWS::CloudFront::KeyGroup');
    expect((props(infra.Resources['CdnKeyGroup'])['KeyGroupConfig'] as JsonObject)['Items']).toEqual([
      { 'Fn::If': ['HasCdnPublicKeyA', { Ref: 'CdnPublicKeyA' }, { Ref: 'AWS::NoValue' }] },
      { 'Fn::If': ['HasCdnPublicKeyB', { Ref: 'CdnPublicKeyB' }, { Ref: 'AWS::NoValue' }] },
    ]);
    const conditions = (infra as unknown as { Conditions: JsonObject }).Conditions;
    for (const slot of ['A', 'B']) {
      const key = infra.Resources[`CdnPublicKey${slot}`] as Resource & { Condition?: string };
      expect(key.Type).toBe('AWS::CloudFront::PublicKey');
      // Two slots, each present only when its parameter holds a key: a new key joins before the API signs with it.
      expect(key.Condition).toBe(`HasCdnPublicKey${slot}`);
      // Packaged without keys: the parameters are empty, so no key (and CloudFront refuses the empty group at deploy).
      expect(conditions[`HasCdnPublicKey${slot}`]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
      expect(props(key)['PublicKeyConfig']).toMatchObject({ EncodedKey: '', Name: `${INFRA}-photos-${slot.toLowerCase()}` });
      // Its id is an output to pass to the API stack, not an export (an export in use could not change at a rotation).
      const output = infra.Outputs?.[`CdnPublicKeyId${slot}`] as { Value: Json; Export?: Json; Condition?: string };
      expect(output).toEqual({ Condition: `HasCdnPublicKey${slot}`, Value: { Ref: `CdnPublicKey${slot}` } });
    }
  });

  it('caches photos by path only: the signing query strings out of the cache key, at the edge at least a day', () => {
    const policy = props(infra.Resources['PhotosCachePolicy'])['CachePolicyConfig'] as JsonObject;
    expect(infra.Resources['PhotosCachePolicy']?.Type).toBe('AWS::CloudFront::CachePolicy');
    expect(policy['ParametersInCacheKeyAndForwardedToOrigin']).toEqual({
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
    // A minimum TTL keeps objects at the edge whatever their Cache-Control (`private` included).
    expect(policy['MinTTL']).toBe(86400);
    expect(policy['MaxTTL']).toBe(31536000);
  });

  it('has the DynamoDB table: on demand, pk/sk, the events index gsi1, the ready-time indexes, TTL, PITR, SSE', () => {
    const tables = ofType(infra, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = props(tables[0]![1]);
    expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
    expect(table['KeySchema']).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table['AttributeDefinitions']).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'readyKey', AttributeType: 'S' },
      { AttributeName: 'uploaderKey', AttributeType: 'S' },
    ]);
    const local = (name: string, sortKey: string) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(table['LocalSecondaryIndexes']).toEqual([local('byReady', 'readyKey'), local('byUploader', 'uploaderKey')]);
    expect(table['GlobalSecondaryIndexes']).toEqual([
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table['TimeToLiveSpecification']).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table['SSESpecification']).toMatchObject({ SSEEnabled: true });
  });

  it('has the Cognito pool (self sign-up by e-mail with a code, a display name, 12-character password policy), a public SPA client and the organizers group', () => {
    const pools = ofType(infra, 'AWS::Cognito::UserPool');
    expect(pools).toHaveLength(1);
    const [poolId, pool] = pools[0]!;
    expect((pool as Resource & { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    expect(props(pool)['UsernameAttributes']).toEqual(['email']);
    expect(props(pool)['Policies']).toMatchObject({
      PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
    });
    // Self sign-up, confirmed by a code e-mailed to the address.
    expect(props(pool)['AdminCreateUserConfig']).toMatchObject({ AllowAdminCreateUserOnly: false });
    expect(props(pool)['AutoVerifiedAttributes']).toEqual(['email']);
    const template = props(pool)['VerificationMessageTemplate'] as Record<string, string>;
    expect(template['DefaultEmailOption']).toBe('CONFIRM_WITH_CODE');
    expect(template['EmailMessage']).toContain('{####}');
    // The display name: a standard attribute, not required (Required cannot change on the existing, retained pool).
    expect(props(pool)['Schema']).toEqual([{ Name: 'name', AttributeDataType: 'String', Mutable: true, Required: false }]);

    const clients = ofType(infra, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const client = props(clients[0]![1]);
    expect(targetId(client['UserPoolId'])).toBe(poolId);
    expect(client['GenerateSecret'] ?? false).toBe(false);
    // SRP and refresh tokens: the password never leaves the browser (no USER_PASSWORD_AUTH).
    expect([...(client['ExplicitAuthFlows'] as string[])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(client['PreventUserExistenceErrors']).toBe('ENABLED');
    // Sign-out revokes the refresh token; ID and access tokens live an hour, refresh tokens 30 days.
    expect(client['EnableTokenRevocation']).toBe(true);
    expect([client['IdTokenValidity'], client['AccessTokenValidity'], client['RefreshTokenValidity']]).toEqual([60, 60, 30]);
    expect(client['TokenValidityUnits']).toEqual({ AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' });
    // The app reads and writes the display name and the e-mail, nothing else.
    expect([...(client['ReadAttributes'] as string[])].sort()).toEqual(['email', 'email_verified', 'name']);
    expect([...(client['WriteAttributes'] as string[])].sort()).toEqual(['email', 'name']);

    const groups = ofType(infra, 'AWS::Cognito::UserPoolGroup').map(([, group]) => props(group));
    expect(groups).toContainEqual(expect.objectContaining({ GroupName: 'organizers', UserPoolId: { Ref: poolId } }));
  });

  it('exports the outputs the API stack and the SPA need', () => {
    const names = [
      'PhotosBucketName',
      'PhotosBucketArn',
      'PhotosTableName',
      'PhotosTableArn',
      'CdnDomainName',
      'CdnDistributionId',
      'CdnDistributionArn',
      'UserPoolId',
      'UserPoolClientId',
      'UserPoolIssuerUrl',
    ];
    for (const name of names) {
      expect(infra.Outputs?.[name]?.Export?.Name, name).toBe(`${INFRA}-${name}`);
    }
    expect(render(infra.Outputs?.['UserPoolIssuerUrl']?.Value)).toBe('https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}');
    expect(render(infra.Outputs?.['CdnDomainName']?.Value)).toBe('{getatt:PhotosDistribution.DomainName}');
    expect(render(infra.Outputs?.['CdnDistributionId']?.Value)).toBe('{ref:PhotosDistribution}');
    expect(render(infra.Outputs?.['CdnDistributionArn']?.Value)).toBe(
      'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${PhotosDistribution}',
    );
  });
});

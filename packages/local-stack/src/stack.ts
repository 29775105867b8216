import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Event } from 'aws-lambda';
import { createDocumentClient, createS3Client, tableStores, type MembershipRepository } from '@event-photos/aws';
import { startCdn } from '#lib/cdn';
import { createKeyParameterFront, functionsMayGetParameter } from '#lib/cdn-key-parameter';
import { cdnSigningKeyFile, ensureCdnSigningKey, trustedKeysOf } from '#lib/cdn-signing-key';
import type { AdminCredentials } from '#lib/cognito-admin-guard';
import { ensureUserPool, startCognito, type DemoUser } from '#lib/cognito';
import { functionsPrincipal } from '#lib/cognito-iam';
import { createCloudFrontApi } from '#lib/cloudfront-api';
import { invalidationPolicy } from '#lib/cloudfront-iam';
import { cognitoPoolSettings, type TokenValidityOverrides } from '#lib/cognito-pool-settings';
import { ensurePhotosTable } from '#lib/dynamodb';
import { startInThread } from '#lib/emulator-threads';
import { readStageThrottling, type StageThrottling } from '#lib/gateway-throttling';
import { startHttpGateway } from '#lib/http-gateway';
import { openApiOf } from '#lib/openapi';
import type { LocalEndpoints } from '#lib/function-environment';
import { prepareLocalFunctions, startLocalFunctions } from '#lib/local-functions';
import {
  bucketCorsRules,
  cdnReadablePrefixes,
  cdnRequiresSignedUrls,
  LOCAL_CDN_DISTRIBUTION_ID,
  readInfra,
  tableDefinition,
  type LocalResources,
} from '#lib/local-infra';
import { LOOPBACK, freePort } from '#lib/net';
import { createS3Notifications, type S3Notifications } from '#lib/s3-notifications';
import { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const DEMO_EVENT = { eventId: 'demo-event', name: 'Demo Conference 2026' };
/** Local-only accounts; these passwords exist nowhere but on the developer's machine. */
export const DEMO_USERS: DemoUser[] = [
  { email: 'attendee@example.com', password: 'Local-Attendee-1!', groups: [] },
  { email: 'organizer@example.com', password: 'Local-Organizer-1!', groups: ['organizers'] },
];

export interface LocalStackOutputs {
  region: string;
  /** The web app, when started by `npm start`. */
  webUrl?: string;
  apiUrl: string;
  cdnBaseUrl: string;
  /** The id of the CDN's signing key (its key pair is made per data folder, `cdn/signing-key.json`). */
  cdnKeyPairId: string;
  /** The distribution the delete routes invalidate (PHOTOS_CDN_DISTRIBUTION_ID), answered by the CDN's CloudFront API. */
  cdnDistributionId: string;
  s3Endpoint: string;
  bucketName: string;
  dynamodbEndpoint: string;
  tableName: string;
  cognitoEndpoint: string;
  /** Signs Cognito admin calls (SigV4, service cognito-idp); generated at each start. */
  cognitoAdminCredentials: AdminCredentials;
  userPoolId: string;
  userPoolClientId: string;
  issuer: string;
  /** The e-mails Cognito would send: `GET {mailboxUrl}/messages?to=<email>` (JSON, newest first). */
  mailboxUrl: string;
  demoEventId: string;
  demoUsers: DemoUser[];
}

export interface LocalStackOptions {
  /** Where emulator data lives (kept across restarts). */
  dataDir: string;
  /** Fixed ports; any left out is picked free. */
  ports?: Partial<Record<'api' | 'cdn' | 's3' | 'dynamodb' | 'cognito', number>>;
  log?: (line: Record<string, unknown>) => void;
  /** Lambda async retry delays for S3 events. */
  retryDelaysMs?: number[];
  /** Added to every function's environment (e.g. the bench's raised MAX_UPLOAD_BYTES). */
  environment?: Record<string, string>;
  /** Where the functions' log lines go; default: this process's stdout. */
  onFunctionLog?(functionName: string, line: string): void;
  /**
   * Token lifetimes in place of the SPA client's (infra.serverless.yml), e.g.
   * `{ idTokenValiditySeconds: 5 }` for a test that sees a session outlive its ID token. Applied
   * to the client as its settings (DescribeUserPoolClient shows them); the next start without
   * them restores the file's.
   */
  cognito?: TokenValidityOverrides;
  /**
   * The HTTP API stage's route throttling (API Gateway's token buckets, answering 429): serverless.yml's
   * (HttpApiStage's route settings), or limits of a test's own, e.g.
   * `{ routes: { 'POST /events/{eventId}/photos/initiate-upload': { rateLimit: 1, burstLimit: 2 } } }`.
   * None by default: the tests that hammer a route (fuzz, load) would measure the throttle, not the route.
   */
  throttling?: StageThrottling | 'serverless.yml';
  /** How long the local CloudFront API keeps an invalidation in progress (10 s by default), counting its paths against CloudFront's limits. */
  cdn?: { invalidationInProgressMs?: number };
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
const BUCKET = 'event-photos-local';
const TABLE = 'event-photos-local';

/**
 * Starts S3, DynamoDB and Cognito emulators, the local HTTP API and S3 event delivery. The
 * functions of serverless.yml run as Lambda runs them: each in its own instances (worker
 * threads) with the environment serverless.yml gives it, evaluated against the emulators.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const log = options.log ?? (() => undefined);
  const port = async (name: keyof NonNullable<LocalStackOptions['ports']>) => options.ports?.[name] ?? freePort();
  const [apiPort, cdnPort, s3Port, dynamoPort, cognitoPort] = (await Promise.all(
    (['api', 'cdn', 's3', 'dynamodb', 'cognito'] as const).map(port),
  )) as [number, number, number, number, number];
  const infra = await readInfra(REPO_ROOT);
  // Bundling the functions takes the longest: it runs while the emulators start.
  const prepared = prepareLocalFunctions(REPO_ROOT, Promise.resolve(infra));
  prepared.catch(() => undefined); // awaited below; a failure surfaces there
  const closers: Array<() => Promise<unknown>> = [() => prepared.then(({ bundles }) => bundles.remove())];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };

  try {
    // S3 events wait until the functions they trigger are wired (none can happen before).
    let wired!: (notifications: S3Notifications) => void;
    const notificationsReady = new Promise<S3Notifications>((resolve) => (wired = resolve));
    const [s3, dynamodb, cognito, cdnKey] = await Promise.all([
      // Each in a thread of its own: with the functions' instances, the stack uses every core.
      startInThread(
        new URL('./s3.ts', import.meta.url),
        'startS3',
        { directory: path.join(options.dataDir, 's3'), port: s3Port, bucket: BUCKET, corsRules: bucketCorsRules(infra) },
        { onEvent: (event: S3Event) => void notificationsReady.then((notifications) => notifications.publish(event)), log },
        ['flush'] as const,
      ),
      startInThread(
        new URL('./dynamodb.ts', import.meta.url),
        'startDynamoDb',
        { directory: path.join(options.dataDir, 'dynamodb'), port: dynamoPort },
        {},
        ['pause', 'resume', 'requestCounts'] as const,
      ),
      startCognito({ directory: path.join(options.dataDir, 'cognito'), port: cognitoPort, log }),
      ensureCdnSigningKey(cdnSigningKeyFile(options.dataDir)),
    ]);
    closers.push(
      () => s3.close(),
      () => dynamodb.close(),
      () => cognito.close(),
    );

    const [pool] = await Promise.all([
      ensureUserPool(cognito, DEMO_USERS, cognitoPoolSettings(infra, options.cognito)),
      ensurePhotosTable(dynamodb.endpoint, tableDefinition(infra, TABLE)),
    ]);
    const outputs: LocalStackOutputs = {
      region: REGION,
      apiUrl: `http://${LOOPBACK}:${apiPort}`,
      cdnBaseUrl: `http://${LOOPBACK}:${cdnPort}`,
      cdnKeyPairId: cdnKey.keyPairId,
      cdnDistributionId: LOCAL_CDN_DISTRIBUTION_ID,
      s3Endpoint: s3.endpoint,
      bucketName: BUCKET,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName: TABLE,
      cognitoEndpoint: cognito.endpoint,
      cognitoAdminCredentials: cognito.adminCredentials,
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.userPoolClientId,
      issuer: pool.issuer,
      mailboxUrl: cognito.mailboxUrl,
      demoEventId: DEMO_EVENT.eventId,
      demoUsers: DEMO_USERS,
    };

    const local = localResourcesOf(outputs);
    // The functions' key pair may call Cognito for what their roles allow, as on AWS (AdminListGroupsForUser).
    cognito.allow(await functionsPrincipal(REPO_ROOT, infra, local));
    const functions = await startLocalFunctions({
      prepared,
      local,
      environment: {
        // The developer's log level wins locally (the tests run SILENT).
        ...(process.env['POWERTOOLS_LOG_LEVEL'] ? { POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] } : {}),
        ...options.environment,
      },
      ...(options.onFunctionLog ? { onLog: options.onFunctionLog } : {}),
    });
    closers.push(() => functions.close());
    const failedEventsFile = path.join(options.dataDir, 'failed-events.jsonl');
    const notifications = createS3Notifications({
      region: REGION,
      triggers: functions.s3Triggers,
      invoke: functions.invoke,
      log,
      // The local stand-in for the on-failure SQS queue: one JSON line per failed event.
      onFailure: (functionName, event, error) =>
        appendFile(failedEventsFile, `${JSON.stringify({ time: new Date().toISOString(), functionName, error: String(error), event })}\n`),
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    });
    wired(notifications);
    closers.push(() => notifications.idle());

    const clients = { region: REGION, credentials: LOCAL_S3_CREDENTIALS };
    const { photos: events, members } = tableStores(createDocumentClient({ ...clients, endpoint: dynamodb.endpoint }), TABLE);
    // The demo event is the demo organizer's, as if it had created it.
    const organizer = DEMO_USERS.find((user) => user.groups.includes('organizers'));
    const organizerId = organizer && pool.subs.get(organizer.email);
    await events.createEvent({ ...DEMO_EVENT, ...(organizerId ? { organizerId } : {}), createdAt: new Date().toISOString() });
    // And the demo attendee is a member of it, with every right, as if they had joined with an invite.
    const attendee = DEMO_USERS.find((user) => user.groups.length === 0);
    const attendeeId = attendee && pool.subs.get(attendee.email);
    if (attendee && attendeeId) await seedDemoMember(members, attendeeId, attendee.email.split('@')[0]!);

    // The CDN, with the key its trusted key group stands for, and on its port the SSM front the
    // signing functions fetch the private key from: up before the first request can reach them.
    const keyParameters = [...functions.app.functions.keys()].flatMap(
      (name) => functions.environmentOf(name)['CDN_PRIVATE_KEY_PARAMETER'] ?? [],
    );
    // CloudFront's API, for the delete routes' invalidations: the distribution the infra stack's
    // PhotosDistribution stands for, behind the functions' roles' cloudfront statements.
    const cloudFrontApi = createCloudFrontApi({
      distributionId: outputs.cdnDistributionId,
      accountId: ACCOUNT_ID,
      credentials: local.credentials,
      allowed: (await invalidationPolicy(REPO_ROOT, infra, local)).allowed,
      ...(options.cdn?.invalidationInProgressMs !== undefined ? { inProgressMs: options.cdn.invalidationInProgressMs } : {}),
    });
    const cdn = await startCdn({
      port: cdnPort,
      s3: createS3Client({ ...clients, endpoint: s3.endpoint, forcePathStyle: true }),
      bucket: BUCKET,
      readablePrefixes: cdnReadablePrefixes(infra),
      ...(cdnRequiresSignedUrls(infra) ? { trustedKeys: trustedKeysOf(cdnKey) } : {}),
      ssm: createKeyParameterFront({
        names: [...new Set(keyParameters)],
        value: cdnKey.privateKeyPem,
        region: REGION,
        accountId: ACCOUNT_ID,
        credentials: local.credentials,
        allowed: await functionsMayGetParameter(REPO_ROOT, infra, local),
      }),
      cloudFrontApi: cloudFrontApi.handle,
    });
    closers.push(() => closeServer(cdn.server));

    const gateway = await startHttpGateway({
      port: apiPort,
      routes: functions.app.routes,
      cors: functions.app.cors,
      throttling: options.throttling === 'serverless.yml' ? await readStageThrottling(REPO_ROOT) : options.throttling,
      invoke: functions.invoke,
      openApi: openApiOf(functions.app),
      authorize: functions.authorize,
      log,
    });
    closers.push(() => closeServer(gateway.server));

    return {
      outputs,
      notifications: {
        ...notifications,
        /**
         * Resolves when every delivery so far has finished. Events come from the S3 thread: a round
         * trip to it first (messages keep their order) so that an event of a PUT that already
         * answered is on its way before we wait.
         */
        idle: async () => {
          await s3.flush();
          await notifications.idle();
        },
      },
      dynamodb,
      /** The local CDN: `invalidations()` lists the CreateInvalidation calls its CloudFront API accepted, oldest first. */
      cdn: { invalidations: cloudFrontApi.invalidations },
      /** `invoke(name, event)` runs a function directly, like `serverless invoke` (e.g. reconcileUploads). */
      invoke: functions.invoke,
      /** The environment a function's instances get: for the bench, which runs bundles in children. */
      functionEnvironment: functions.environmentOf,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Makes the user a member of the demo event, once (a restart finds them one): through the store as
 * joining does, with an invite made for them alone and revoked at once, so no link to it exists.
 */
async function seedDemoMember(members: MembershipRepository, userId: string, displayName: string): Promise<void> {
  const { eventId } = DEMO_EVENT;
  if (await members.getMembership(eventId, userId)) return;
  const now = new Date();
  const codeHash = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('hex');
  const rights = { upload: true, viewOthers: true, downloadOriginals: true };
  const invite = await members.createInvite({ eventId, ...rights, expiresAt: null, createdAt: now.toISOString() }, codeHash);
  const joining = await members.join(eventId, codeHash, { userId, displayName }, now);
  await members.revokeInvite(eventId, invite.inviteId, now);
  if (joining.outcome === 'invalid') throw new Error(`The demo attendee could not join ${eventId}`);
}

/** The local resources behind a running stack's outputs (what its functions' environment is made of). */
export function localResourcesOf(outputs: LocalStackOutputs): LocalResources & LocalEndpoints {
  return {
    region: outputs.region,
    accountId: ACCOUNT_ID,
    bucketName: outputs.bucketName,
    tableName: outputs.tableName,
    cdnBaseUrl: outputs.cdnBaseUrl,
    cognitoEndpoint: outputs.cognitoEndpoint,
    userPoolId: outputs.userPoolId,
    userPoolClientId: outputs.userPoolClientId,
    s3Endpoint: outputs.s3Endpoint,
    dynamodbEndpoint: outputs.dynamodbEndpoint,
    credentials: LOCAL_S3_CREDENTIALS,
    // The SSM front answers on the CDN's port (cdn-key-parameter.ts).
    ssmEndpoint: outputs.cdnBaseUrl,
    // So does CloudFront's API (cloudfront-api.ts).
    cloudFrontEndpoint: outputs.cdnBaseUrl,
    cdnKeyPairId: outputs.cdnKeyPairId,
  };
}

export async function writeOutputs(file: string, outputs: LocalStackOutputs): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(outputs, null, 2)}\n`);
}

function closeServer(server: import('node:http').Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

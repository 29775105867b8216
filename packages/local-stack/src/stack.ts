import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PhotoRepository, createDocumentClient, createS3Client } from '@event-photos/aws';
import { startCdn } from '#lib/cdn';
import type { AdminCredentials } from '#lib/cognito-admin-guard';
import { ensureUserPool, startCognito, type DemoUser } from '#lib/cognito';
import { ensurePhotosTable, startDynamoDb } from '#lib/dynamodb';
import { startHttpGateway } from '#lib/http-gateway';
import { createJwtAuthorizer } from '#lib/jwt-authorizer';
import { freePort } from '#lib/net';
import { createS3Notifications } from '#lib/s3-notifications';
import { startS3 } from '#lib/s3';
import { createInvoker, readServerlessApp } from '#lib/serverless-functions';

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
}

export type LocalStack = Awaited<ReturnType<typeof startLocalStack>>;

const REGION = 'us-east-1';
const BUCKET = 'event-photos-local';
const TABLE = 'event-photos-local';

/**
 * Starts S3, DynamoDB and Cognito emulators, the local HTTP API and S3 event delivery, with the
 * handlers of serverless.yml running in this process. One stack per process: handlers read their
 * configuration once, from process.env, like a Lambda cold start.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const log = options.log ?? (() => undefined);
  const port = async (name: keyof NonNullable<LocalStackOptions['ports']>) => options.ports?.[name] ?? freePort();
  const [apiPort, cdnPort, s3Port, dynamoPort, cognitoPort] = (await Promise.all(
    (['api', 'cdn', 's3', 'dynamodb', 'cognito'] as const).map(port),
  )) as [number, number, number, number, number];
  const app = await readServerlessApp(REPO_ROOT);
  const closers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };

  try {
    const invoke = createInvoker(app);
    const failedEventsFile = path.join(options.dataDir, 'failed-events.jsonl');
    const notifications = createS3Notifications({
      region: REGION,
      triggers: app.s3Triggers,
      invoke,
      log,
      // The local stand-in for the on-failure SQS queue: one JSON line per failed event.
      onFailure: (functionName, event, error) =>
        appendFile(failedEventsFile, `${JSON.stringify({ time: new Date().toISOString(), functionName, error: String(error), event })}\n`),
      ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    });

    const [s3, dynamodb, cognito] = await Promise.all([
      startS3({
        directory: path.join(options.dataDir, 's3'),
        port: s3Port,
        bucket: BUCKET,
        allowedOrigins: ['*'],
        onEvent: (event) => notifications.publish(event),
        log,
      }),
      startDynamoDb({ directory: path.join(options.dataDir, 'dynamodb'), port: dynamoPort }),
      startCognito({ directory: path.join(options.dataDir, 'cognito'), port: cognitoPort, log }),
    ]);
    closers.push(() => s3.close(), () => dynamodb.close(), () => cognito.close(), () => notifications.idle());

    const [pool] = await Promise.all([
      ensureUserPool(cognito, DEMO_USERS),
      ensurePhotosTable(dynamodb.endpoint, TABLE),
    ]);

    const cdnBaseUrl = `http://127.0.0.1:${cdnPort}`;
    Object.assign(process.env, functionEnvironment({ s3Endpoint: s3.endpoint, dynamodbEndpoint: dynamodb.endpoint, cdnBaseUrl }));
    const events = new PhotoRepository(createDocumentClient(), TABLE);
    await events.createEvent({ ...DEMO_EVENT, createdAt: new Date().toISOString() });

    const gateway = await startHttpGateway({
      port: apiPort,
      routes: app.routes,
      invoke,
      authorize: createJwtAuthorizer({ issuer: pool.issuer, clientId: pool.userPoolClientId }),
      log,
    });
    closers.push(() => closeServer(gateway.server));
    const cdn = await startCdn({ port: cdnPort, s3: createS3Client({ forcePathStyle: true }), bucket: BUCKET });
    closers.push(() => closeServer(cdn.server));

    const outputs: LocalStackOutputs = {
      region: REGION,
      apiUrl: gateway.url,
      cdnBaseUrl: cdn.url,
      s3Endpoint: s3.endpoint,
      bucketName: BUCKET,
      dynamodbEndpoint: dynamodb.endpoint,
      tableName: TABLE,
      cognitoEndpoint: cognito.endpoint,
      cognitoAdminCredentials: cognito.adminCredentials,
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.userPoolClientId,
      issuer: pool.issuer,
      demoEventId: DEMO_EVENT.eventId,
      demoUsers: DEMO_USERS,
    };
    /** `invoke(name, event)` runs a function directly, like `serverless invoke` (e.g. reconcileUploads). */
    return { outputs, notifications, dynamodb, invoke, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The functions' environment, as serverless.yml gives it on AWS, pointed at the emulators. */
export function functionEnvironment({ s3Endpoint, dynamodbEndpoint, cdnBaseUrl }: Pick<LocalStackOutputs, 's3Endpoint' | 'dynamodbEndpoint' | 'cdnBaseUrl'>) {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'S3RVER', // s3rver's fixed local key; not a secret
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    PHOTOS_TABLE_NAME: TABLE,
    PHOTOS_BUCKET_NAME: BUCKET,
    PHOTOS_CDN_BASE_URL: cdnBaseUrl,
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

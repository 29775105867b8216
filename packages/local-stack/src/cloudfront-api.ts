import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOPBACK } from '#lib/net';
import { escapeXml } from '#lib/xml-text';
import {
  CLOUDFRONT_XMLNS,
  CloudFrontError,
  INVALIDATION_LIMITS,
  type InvalidationBatch,
  parseInvalidationBatch,
} from '#lib/cloudfront-invalidation-batch';
import { distributionArn } from '#lib/cloudfront-iam';
import { S3RequestError, verifySigV4 } from '#lib/sigv4-verifier';

// CloudFront's API as the delete routes call it: CreateInvalidation, answered on the local CDN's
// port for the functions' AWS_ENDPOINT_URL_CLOUDFRONT. The local CDN caches nothing (a deleted
// object is 404 at once), so an invalidation changes nothing there: it is checked as CloudFront
// checks it and recorded, for tests to read.

const API_PREFIX = '/2020-05-31/';
const INVALIDATION_PATH = /^\/2020-05-31\/distribution\/([^/]+)\/invalidation$/;
/** 3,000 paths of 4,000 characters would be 12 MB: no legitimate batch of ours comes near 1 MiB. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Kept for tests to read; the oldest go first past this many. */
const MAX_RECORDED = 10_000;

/** One invalidation as CloudFront keeps it. */
export interface RecordedInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createTime: string;
  status: 'InProgress' | 'Completed';
}

export interface CloudFrontApiOptions {
  /** The distribution (the infra stack's PhotosDistribution stands for it: LOCALCDN). */
  distributionId: string;
  accountId: string;
  /** The functions' key pair: calls must be signed (SigV4, service `cloudfront`, us-east-1) with it. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Whether the functions' roles allow cloudfront:CreateInvalidation on a distribution ARN (cloudfront-iam.ts). */
  allowed(distributionArn: string): boolean;
  /** How long an invalidation stays in progress (its paths count against the limits meanwhile); CloudFront takes seconds to minutes. */
  inProgressMs?: number;
  now?: () => number;
}

/** Whether a request is for CloudFront's API (what AWS_ENDPOINT_URL_CLOUDFRONT receives), not for the CDN. */
export function isCloudFrontApiCall(request: IncomingMessage): boolean {
  return (request.url ?? '').startsWith(API_PREFIX);
}

/** The front: `handle` answers a request; `invalidations()` lists what it accepted, oldest first. */
export function createCloudFrontApi(options: CloudFrontApiOptions) {
  const now = options.now ?? Date.now;
  const inProgressMs = options.inProgressMs ?? 10_000;
  const recorded: Array<RecordedInvalidation & { createdAt: number }> = [];
  const principal = `arn:aws:sts::${options.accountId}:assumed-role/event-photos-local-functions/local-functions`;
  const statusOf = (invalidation: { createdAt: number }) => (now() - invalidation.createdAt < inProgressMs ? 'InProgress' : 'Completed');

  /** CloudFront's two limits on what is in progress, the wildcard paths and the others counted apart. */
  function checkInProgress(distributionId: string, paths: string[]): void {
    const inProgress = recorded.filter((item) => item.distributionId === distributionId && statusOf(item) === 'InProgress');
    const wildcard = (list: string[]) => list.filter((path) => path.endsWith('*')).length;
    const wildcards = inProgress.reduce((sum, item) => sum + wildcard(item.paths), 0) + wildcard(paths);
    const files = inProgress.reduce((sum, item) => sum + item.paths.length - wildcard(item.paths), 0) + paths.length - wildcard(paths);
    if (wildcards > INVALIDATION_LIMITS.wildcardPaths || files > INVALIDATION_LIMITS.filePaths) {
      throw new CloudFrontError(
        400,
        'TooManyInvalidationsInProgress',
        'Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations or invalidation objects.',
      );
    }
  }

  function create(distributionId: string, batch: InvalidationBatch): { invalidation: RecordedInvalidation; created: boolean } {
    const earlier = recorded.find((item) => item.distributionId === distributionId && item.callerReference === batch.callerReference);
    if (earlier) {
      // The same request again answers the invalidation it made; other paths under its reference are refused.
      if (earlier.paths.join('\n') === batch.paths.join('\n'))
        return { invalidation: { ...earlier, status: statusOf(earlier) }, created: false };
      throw new CloudFrontError(
        409,
        'InvalidationBatchAlreadyExists',
        `Invalidation batch already exists with CallerReference ${batch.callerReference}`,
      );
    }
    checkInProgress(distributionId, batch.paths);
    const createdAt = now();
    const item = {
      id: `I${randomBytes(10).toString('hex').toUpperCase().slice(0, 13)}`,
      distributionId,
      callerReference: batch.callerReference,
      paths: batch.paths,
      createTime: new Date(createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      status: 'InProgress' as const,
      createdAt,
    };
    recorded.push(item);
    if (recorded.length > MAX_RECORDED) recorded.shift();
    return { invalidation: item, created: true };
  }

  async function answer(request: IncomingMessage, body: Buffer, origin: string) {
    const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
    );
    if (!headers['authorization']) throw new CloudFrontError(403, 'MissingAuthenticationToken', 'Missing Authentication Token');
    const { accessKeyId, secretAccessKey } = options.credentials;
    try {
      await verifySigV4(
        { method: request.method ?? 'GET', rawPath, rawQuery, headers },
        (id) => (id === accessKeyId ? secretAccessKey : undefined),
        new Date(),
        {
          service: 'cloudfront',
          body,
        },
      );
    } catch (error) {
      if (!(error instanceof S3RequestError)) throw error;
      if (error.code === 'InvalidAccessKeyId')
        throw new CloudFrontError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      throw new CloudFrontError(403, 'SignatureDoesNotMatch', error.message);
    }
    const distributionId = INVALIDATION_PATH.exec(rawPath)?.[1];
    if (request.method !== 'POST' || distributionId === undefined) {
      throw new CloudFrontError(400, 'InvalidAction', 'The local CloudFront API answers CreateInvalidation only');
    }
    // IAM first: a role that may not invalidate a distribution learns nothing about it.
    const arn = distributionArn(options.accountId, distributionId);
    if (!options.allowed(arn)) {
      throw new CloudFrontError(
        403,
        'AccessDenied',
        `User: ${principal} is not authorized to perform: cloudfront:CreateInvalidation on resource: ${arn} because no identity-based policy allows the cloudfront:CreateInvalidation action`,
      );
    }
    if (distributionId !== options.distributionId)
      throw new CloudFrontError(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    if (body.length === 0) {
      throw new CloudFrontError(
        400,
        'MissingBody',
        'This operation requires a body. Ensure that the body is present and the Content-Type header is set.',
      );
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new CloudFrontError(400, 'MalformedInput', 'The request body is not UTF-8');
    }
    const { invalidation, created } = create(distributionId, parseInvalidationBatch(text));
    return { invalidation, created, location: `${origin}/2020-05-31/distribution/${distributionId}/invalidation/${invalidation.id}` };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const body = await readBody(request);
      // The Location names where the call was answered (the CDN's port), not a Host header the caller chose.
      const { invalidation, created, location } = await answer(request, body, `http://${LOOPBACK}:${request.socket.localPort}`);
      response
        .writeHead(created ? 201 : 200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, location })
        .end(invalidationXml(invalidation));
    } catch (error) {
      const failure =
        error instanceof CloudFrontError ? error : new CloudFrontError(500, 'InternalError', 'The local CloudFront API failed');
      if (response.headersSent || response.destroyed) return;
      response
        .writeHead(failure.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, connection: 'close' })
        .end(
          `<?xml version="1.0"?><ErrorResponse xmlns="${CLOUDFRONT_XMLNS}"><Error><Type>${failure.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
            `<Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
    }
  }

  return {
    handle,
    /** Every invalidation accepted, oldest first, with its status now. */
    invalidations: (): RecordedInvalidation[] => recorded.map(({ createdAt, ...item }) => ({ ...item, status: statusOf({ createdAt }) })),
  };
}

export type CloudFrontApi = ReturnType<typeof createCloudFrontApi>;

function invalidationXml(invalidation: RecordedInvalidation): string {
  return (
    `<?xml version="1.0"?><Invalidation xmlns="${CLOUDFRONT_XMLNS}"><Id>${invalidation.id}</Id><Status>${invalidation.status}</Status>` +
    `<CreateTime>${invalidation.createTime}</CreateTime><InvalidationBatch><Paths><Quantity>${invalidation.paths.length}</Quantity><Items>` +
    invalidation.paths.map((path) => `<Path>${escapeXml(path)}</Path>`).join('') +
    `</Items></Paths><CallerReference>${escapeXml(invalidation.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`
  );
}

/**
 * The body, up to its limit. Past it BatchTooLarge at once, without reading the rest (the answer
 * closes the connection); a client that goes away half-way gets MalformedInput, which it will not see.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off('data', onData);
      request.pause();
      reject(new CloudFrontError(413, 'BatchTooLarge', 'Invalidation batch specified is too large.'));
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    const incomplete = () => reject(new CloudFrontError(400, 'MalformedInput', 'Incomplete request body'));
    request.once('error', incomplete);
    request.once('close', incomplete); // after 'end' this changes nothing: the promise is settled
  });
}

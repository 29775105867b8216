import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable, Transform, finished } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inject } from 'light-my-request';
import type { ChecksumStore } from '#lib/checksum-store';
import { EtagCache } from '#lib/s3-etag-cache';
import { listenOnLoopback, LOOPBACK } from '#lib/net';
import { isListObjectsV2, toListObjectsV1, toListObjectsV2Xml } from '#lib/s3-list-paging';
import { MAX_KEY_BYTES, decodeUriPart, isValidBucketName, unstorableKey } from '#lib/s3-key-rules';
import { S3RequestError, verifySigV4 } from '#lib/sigv4-verifier';
import { escapeXml } from '#lib/xml-text';

export interface S3AuthProxyOptions {
  port: number;
  /** s3rver's request handler, called in this thread: s3rver has no port of its own. */
  s3rver: (request: IncomingMessage, response: ServerResponse) => void;
  credentials: Record<string, string>;
  checksums: ChecksumStore;
  /** Where request bodies are spooled while they are verified. */
  spoolDir: string;
  /** s3rver's multipart uploads in progress (s3rver has no AbortMultipartUpload, nor S3's part-size rule). */
  multipart: MultipartUploads;
  log(line: Record<string, unknown>): void;
}

/** The parts s3rver keeps of a multipart upload in progress. */
export interface MultipartUploads {
  /** Each part's number and size, or null when there is no such upload (never started, completed or aborted). */
  parts(bucket: string, uploadId: string): Promise<Array<{ number: number; size: number }> | null>;
  /** Drops the upload and its parts; false when there is none. */
  abort(bucket: string, uploadId: string): Promise<boolean>;
}

/** S3 refuses to complete an upload with a part under 5 MiB but the last (EntityTooSmall). */
const MIN_PART_BYTES = 5 * 1024 * 1024;

/** PUT bodies up to this size are held in memory while they are verified; larger ones are spooled to disk. */
const MEMORY_BODY_BYTES = 1024 * 1024;

/**
 * Local S3 that rejects what AWS rejects. s3rver accepts any request, so this proxy in front
 * of it checks SigV4 (the SDK's own signer), expiry, unsigned x-amz-* headers, the declared
 * SHA-256 checksum (BadDigest), payload hashes, and `If-None-Match: *` on PUT. Preflights pass
 * through to s3rver's CORS rules.
 */
export async function startS3AuthProxy(options: S3AuthProxyOptions): Promise<{ endpoint: string; server: Server }> {
  // Spooled bodies of a process that was killed are no one's any more.
  await rm(options.spoolDir, { recursive: true, force: true });
  await mkdir(options.spoolDir, { recursive: true });
  const keyLocks = new Map<string, Promise<unknown>>();
  const context: ProxyContext = { ...options, etags: new EtagCache() };
  const server = createServer((request, response) => {
    handle(context, keyLocks, request, response).catch((error: unknown) => {
      if (error instanceof S3RequestError) return sendError(request, response, error);
      options.log({ level: 'error', message: 'S3 proxy failure', error: String(error) });
      sendError(request, response, new S3RequestError(500, 'InternalError', 'We encountered an internal error. Please try again.'));
    });
  });
  await listenOnLoopback(server, options.port);
  const address = server.address();
  return { endpoint: `http://${LOOPBACK}:${typeof address === 'object' && address ? address.port : options.port}`, server };
}

/** The proxy's options and what it knows of the objects' versions. */
type ProxyContext = S3AuthProxyOptions & { etags: EtagCache };

async function handle(
  options: ProxyContext,
  keyLocks: Map<string, Promise<unknown>>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
  const { bucket, key } = parseTarget(rawPath);
  if (method === 'OPTIONS') {
    await forward(options, request, response, request);
    return;
  }

  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
  );
  const verified = await verifySigV4({ method, rawPath, rawQuery, headers }, (id) => options.credentials[id]);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3RequestError(400, 'KeyTooLongError', 'Your key is too long');
  const unstorable = unstorableKey(key);
  if (unstorable && (method === 'GET' || method === 'HEAD'))
    throw new S3RequestError(404, 'NoSuchKey', 'The specified key does not exist.');
  if (unstorable) throw new S3RequestError(400, 'InvalidArgument', `The local S3 cannot store a key with ${unstorable}`);

  // Writes of one key, one at a time: conditional PUTs decide on the state the last write left.
  const locked = async (write: () => Promise<void>) => {
    const lockKey = `${bucket}/${key}`;
    const previous = keyLocks.get(lockKey) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(write);
    keyLocks.set(lockKey, current);
    try {
      return await current;
    } finally {
      if (keyLocks.get(lockKey) === current) keyLocks.delete(lockKey);
    }
  };
  const uploadId = key ? new URLSearchParams(rawQuery).get('uploadId') : null;
  if (uploadId !== null) return multipartRequest(options, request, response, { method, bucket, key, uploadId }, verified.payloadHash);
  if (method === 'PUT' && key) return locked(() => putObject(options, request, response, bucket, key, verified.payloadHash));
  if (method === 'DELETE' && key && !rawQuery) {
    return locked(async () => {
      const status = await forward(options, request, response, request);
      if (status < 300) {
        options.etags.written(`${bucket}/${key}`, null);
        await options.checksums.set(bucket, key, undefined);
      }
    });
  }

  if (isListObjectsV2(method, key, rawQuery)) return listObjectsV2(options, request, response, rawPath, rawQuery);
  // s3rver ignores If-Match; S3 answers 412 when the object is no longer that version (processing pins it).
  const ifMatch = headers['if-match'];
  if (ifMatch && key && (method === 'GET' || method === 'HEAD')) {
    const current = await objectVersion(options, `${bucket}/${key}`, rawPath);
    if (current.etag !== null && !etagMatches(ifMatch, current.etag)) {
      throw new S3RequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
  }

  const checksumMode = headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';
  const status = await forward(options, request, response, request, (code, outgoing) => {
    const checksum = options.checksums.get(bucket, key);
    if (checksumMode && checksum && code < 300 && (method === 'HEAD' || method === 'GET') && !headers['range']) {
      outgoing['x-amz-checksum-sha256'] = checksum;
      outgoing['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
  });
  if (method === 'DELETE' && key && status < 300) await options.checksums.set(bucket, key, undefined);
}

/** The object's current ETag, or null when it is absent: from the cache, else a HEAD to s3rver. */
async function objectVersion(options: ProxyContext, id: string, path: string): Promise<{ etag: string | null }> {
  const known = options.etags.get(id);
  if (known !== undefined) return { etag: known };
  return options.etags.probe(id, async () => {
    const head = await s3rverHead(options, path);
    return { etag: head.status === 200 ? (head.etag ?? '') : null };
  });
}

/** Bucket and key of a path-style request; S3's 400s for what does not parse. */
function parseTarget(rawPath: string): { bucket: string; key: string } {
  const [rawBucket = '', ...rawKey] = rawPath.slice(1).split('/');
  const bucket = decodeUriPart(rawBucket);
  const key = decodeUriPart(rawKey.join('/'));
  if (!rawPath.startsWith('/') || bucket === undefined || key === undefined) {
    throw new S3RequestError(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
  if (bucket && !isValidBucketName(bucket)) throw new S3RequestError(400, 'InvalidBucketName', 'The specified bucket is not valid.');
  return { bucket, key };
}

async function putObject(
  options: ProxyContext,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
  payloadHash: string,
  /** UploadPart: the object at the key stays as it is until the upload completes. */
  part = false,
): Promise<void> {
  // Conditional write: the object must not exist yet (AWS supports If-None-Match: * since 2024).
  const id = `${bucket}/${key}`;
  if (request.headers['if-none-match']?.trim() === '*' && (await objectVersion(options, id, request.url!.split('?')[0]!)).etag !== null) {
    request.resume();
    throw new S3RequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  }
  // A copy pinned to a version of its source (processing publishes the version it checked); s3rver ignores the condition.
  const copySource = request.headers['x-amz-copy-source'] as string | undefined;
  const copyIfMatch = request.headers['x-amz-copy-source-if-match'] as string | undefined;
  if (copySource && copyIfMatch) {
    const sourcePath = `/${copySource.replace(/^\//, '').split('?')[0]}`;
    const source = await objectVersion(options, decodeUriPart(sourcePath.slice(1)) ?? sourcePath, sourcePath);
    if (source.etag !== null && !etagMatches(copyIfMatch, source.etag)) {
      request.resume();
      throw new S3RequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
    }
  }
  const declaredChecksum = request.headers['x-amz-checksum-sha256'] as string | undefined;
  const hexPayloadHash = /^[0-9a-f]{64}$/.test(payloadHash) ? payloadHash : undefined;

  // Hold the body while hashing it, and only hand it to s3rver once it is complete and the
  // digest matches: s3rver keeps whatever part of a body it got from a client that went away.
  // A small body (a photo's rendition, a phone photo) stays in memory; a larger one is spooled to disk.
  const inMemory = Number(request.headers['content-length']) <= MEMORY_BODY_BYTES; // NaN (no length): spooled
  const spool = path.join(options.spoolDir, randomUUID());
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  try {
    if (inMemory) {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        hash.update(chunk);
        chunks.push(chunk);
      }
    } else {
      await pipeline(
        request,
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(spool),
      );
    }
    const digest = hash.digest();
    if (hexPayloadHash && digest.toString('hex') !== hexPayloadHash) {
      throw new S3RequestError(
        400,
        'XAmzContentSHA256Mismatch',
        'The provided x-amz-content-sha256 header does not match what was computed.',
      );
    }
    if (declaredChecksum && digest.toString('base64') !== declaredChecksum) {
      throw new S3RequestError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    let etag: string | undefined;
    const status = await forward(
      options,
      request,
      response,
      inMemory ? Readable.from(chunks) : createReadStream(spool),
      (code, outgoing) => {
        if (declaredChecksum && code < 300) outgoing['x-amz-checksum-sha256'] = declaredChecksum;
        etag = typeof outgoing['etag'] === 'string' ? outgoing['etag'] : undefined;
      },
    );
    if (status < 300 && !part) {
      // A copy answers its ETag in the body, not a header: its target's version stays unknown.
      options.etags.written(id, copySource ? undefined : etag);
      await options.checksums.set(bucket, key, declaredChecksum);
    }
  } finally {
    if (!inMemory) await rm(spool, { force: true });
  }
}

/**
 * UploadPart, CompleteMultipartUpload and AbortMultipartUpload, as S3 answers them: a part is held
 * and checked as a PUT is, without changing the object; completing refuses a part under 5 MiB but
 * the last (EntityTooSmall) and an unknown upload (NoSuchUpload), and the new object's version is
 * unknown until read; aborting drops the parts (204), which s3rver cannot do.
 */
async function multipartRequest(
  options: ProxyContext,
  request: IncomingMessage,
  response: ServerResponse,
  { method, bucket, key, uploadId }: { method: string; bucket: string; key: string; uploadId: string },
  payloadHash: string,
): Promise<void> {
  const noSuchUpload = () =>
    new S3RequestError(
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    );
  if (method === 'PUT') {
    if (!(await options.multipart.parts(bucket, uploadId))) throw noSuchUpload();
    return putObject(options, request, response, bucket, key, payloadHash, true);
  }
  if (method === 'DELETE') {
    request.resume();
    if (!(await options.multipart.abort(bucket, uploadId))) throw noSuchUpload();
    response.writeHead(204).end();
    return;
  }
  if (method === 'POST') {
    const parts = await options.multipart.parts(bucket, uploadId);
    if (!parts) throw noSuchUpload();
    const last = Math.max(...parts.map((part) => part.number));
    if (parts.some((part) => part.number !== last && part.size < MIN_PART_BYTES)) {
      throw new S3RequestError(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    }
    const status = await forward(options, request, response, request);
    if (status < 300) {
      options.etags.written(`${bucket}/${key}`, undefined);
      await options.checksums.set(bucket, key, undefined);
    }
    return;
  }
  await forward(options, request, response, request);
}

/** Answers a ListObjectsV2 with a v1 page from s3rver (see s3-list-paging.ts). */
async function listObjectsV2(
  options: S3AuthProxyOptions,
  request: IncomingMessage,
  response: ServerResponse,
  rawPath: string,
  rawQuery: string,
): Promise<void> {
  const { request: list, v1Query } = toListObjectsV1(rawQuery);
  // Read whole, to rewrite: from s3rver's handler with an in-memory request and response.
  const answer = await inject(options.s3rver, { method: 'GET', url: `${rawPath}?${v1Query}`, headers: request.headers });
  const body = answer.statusCode === 200 ? toListObjectsV2Xml(answer.payload, list) : answer.payload;
  const { 'transfer-encoding': _chunked, ...headers } = answer.headers;
  response.writeHead(answer.statusCode, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
}

/**
 * Hands the request to s3rver's own handler, in this thread, and resolves with the status once
 * the answer is sent: no second HTTP hop per request (a client request, a parse each way and
 * loopback socket writes, about a tenth of the S3 thread's CPU in the load bench).
 * `amendHeaders` sees and changes s3rver's headers just before they are sent.
 */
function forward(
  options: S3AuthProxyOptions,
  request: IncomingMessage,
  response: ServerResponse,
  body: Readable,
  amendHeaders?: (status: number, headers: Record<string, string | string[] | number | undefined>) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    if (amendHeaders) {
      // Koa sets headers one by one and sends them with the first write or end: both go through writeHead.
      const writeHead = response.writeHead;
      response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
        const headers = this.getHeaders();
        amendHeaders(args[0], headers);
        for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
        return writeHead.apply(this, args);
      } as ServerResponse['writeHead'];
    }
    finished(response, (error) => (error ? reject(error) : resolve(response.statusCode)));
    if (body === request) return options.s3rver(request, response);
    body.on('error', (error) => response.destroy(error));
    options.s3rver(asRequest(body, request), response);
  });
}

/** A body the proxy already read (and checked), as s3rver reads a request: the original's line and headers, this body. */
function asRequest(body: Readable, request: IncomingMessage): IncomingMessage {
  const { headers, rawHeaders, method, url, httpVersion, httpVersionMajor, httpVersionMinor, socket } = request;
  return Object.assign(body, {
    headers,
    rawHeaders,
    method,
    url,
    httpVersion,
    httpVersionMajor,
    httpVersionMinor,
    socket,
    connection: socket,
  }) as unknown as IncomingMessage;
}

/** The object's status and ETag as s3rver has it now (no conditions, no query). */
async function s3rverHead(options: S3AuthProxyOptions, url: string): Promise<{ status: number; etag: string | undefined }> {
  const answer = await inject(options.s3rver, { method: 'HEAD', url: url.split('?')[0]! });
  const etag = answer.headers['etag'];
  return { status: answer.statusCode, etag: typeof etag === 'string' ? etag : undefined };
}

/** If-Match: `*`, or one of the listed ETags (compared without their quotes). */
function etagMatches(ifMatch: string, etag: string | undefined): boolean {
  const unquote = (value: string) => value.trim().replace(/^"|"$/g, '');
  return ifMatch.split(',').some((candidate) => candidate.trim() === '*' || (etag !== undefined && unquote(candidate) === unquote(etag)));
}

function sendError(request: IncomingMessage, response: ServerResponse, error: S3RequestError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  request.resume(); // drain what the client still sends
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`;
  response.writeHead(error.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    ...(request.headers.origin ? { 'access-control-allow-origin': request.headers.origin, vary: 'Origin' } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

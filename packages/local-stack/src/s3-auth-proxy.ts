import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChecksumStore } from '#lib/checksum-store';
import { LOOPBACK } from '#lib/net';
import { S3RequestError, verifySigV4 } from '#lib/sigv4-verifier';

export interface S3AuthProxyOptions {
  port: number;
  /** The S3 emulator behind the proxy (never exposed itself). */
  upstream: { hostname: string; port: number };
  credentials: Record<string, string>;
  checksums: ChecksumStore;
  /** Where request bodies are spooled while they are verified. */
  spoolDir: string;
  log(line: Record<string, unknown>): void;
}

/**
 * Local S3 that rejects what AWS rejects. s3rver accepts any request, so this proxy in front
 * of it checks SigV4 (the SDK's own signer), expiry, unsigned x-amz-* headers, the declared
 * SHA-256 checksum (BadDigest), payload hashes, and `If-None-Match: *` on PUT. Preflights pass
 * through to s3rver's CORS rules.
 */
export async function startS3AuthProxy(options: S3AuthProxyOptions): Promise<{ endpoint: string; server: Server }> {
  await mkdir(options.spoolDir, { recursive: true });
  const keyLocks = new Map<string, Promise<unknown>>();
  const server = createServer((request, response) => {
    handle(options, keyLocks, request, response).catch((error: unknown) => {
      if (error instanceof S3RequestError) return sendError(request, response, error);
      options.log({ level: 'error', message: 'S3 proxy failure', error: String(error) });
      sendError(request, response, new S3RequestError(500, 'InternalError', 'We encountered an internal error. Please try again.'));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, LOOPBACK, resolve));
  const address = server.address();
  return { endpoint: `http://${LOOPBACK}:${typeof address === 'object' && address ? address.port : options.port}`, server };
}

async function handle(
  options: S3AuthProxyOptions,
  keyLocks: Map<string, Promise<unknown>>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const method = request.method ?? 'GET';
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
  if (method === 'OPTIONS') {
    await forward(options, request, response, request);
    return;
  }

  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]),
  );
  const verified = await verifySigV4({ method, rawPath, rawQuery, headers }, (id) => options.credentials[id]);
  const [bucket = '', ...keyParts] = rawPath.slice(1).split('/');
  const key = decodeURIComponent(keyParts.join('/'));

  if (method === 'PUT' && key) {
    const lockKey = `${bucket}/${key}`;
    const previous = keyLocks.get(lockKey) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => putObject(options, request, response, bucket, key, verified.payloadHash));
    keyLocks.set(lockKey, current);
    try {
      return await current;
    } finally {
      if (keyLocks.get(lockKey) === current) keyLocks.delete(lockKey);
    }
  }

  const checksumMode = headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';
  const upstream = await forward(options, request, response, request, (status, outgoing) => {
    const checksum = options.checksums.get(bucket, key);
    if (checksumMode && checksum && status < 300 && (method === 'HEAD' || method === 'GET') && !headers['range']) {
      outgoing['x-amz-checksum-sha256'] = checksum;
      outgoing['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
  });
  if (method === 'DELETE' && key && upstream < 300) await options.checksums.set(bucket, key, undefined);
}

async function putObject(
  options: S3AuthProxyOptions,
  request: IncomingMessage,
  response: ServerResponse,
  bucket: string,
  key: string,
  payloadHash: string,
): Promise<void> {
  // Conditional write: the object must not exist yet (AWS supports If-None-Match: * since 2024).
  if (request.headers['if-none-match']?.trim() === '*' && (await upstreamStatus(options, 'HEAD', request.url!)) === 200) {
    request.resume();
    throw new S3RequestError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  }
  const declaredChecksum = request.headers['x-amz-checksum-sha256'] as string | undefined;
  const hexPayloadHash = /^[0-9a-f]{64}$/.test(payloadHash) ? payloadHash : undefined;
  if (!declaredChecksum && !hexPayloadHash) {
    const status = await forward(options, request, response, request);
    if (status < 300) await options.checksums.set(bucket, key, undefined);
    return;
  }

  // Spool the body while hashing it, and only store it once the digest matches.
  const spool = path.join(options.spoolDir, randomUUID());
  const hash = createHash('sha256');
  try {
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
    const digest = hash.digest();
    if (hexPayloadHash && digest.toString('hex') !== hexPayloadHash) {
      throw new S3RequestError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    if (declaredChecksum && digest.toString('base64') !== declaredChecksum) {
      throw new S3RequestError(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    }
    const status = await forward(options, request, response, createReadStream(spool), (code, outgoing) => {
      if (declaredChecksum && code < 300) outgoing['x-amz-checksum-sha256'] = declaredChecksum;
    });
    if (status < 300) await options.checksums.set(bucket, key, declaredChecksum);
  } finally {
    await rm(spool, { force: true });
  }
}

/** Sends the request to s3rver and streams its answer back; returns the status. */
function forward(
  options: S3AuthProxyOptions,
  request: IncomingMessage,
  response: ServerResponse,
  body: Readable,
  amendHeaders?: (status: number, headers: Record<string, string | string[] | undefined>) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      { ...options.upstream, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const outgoing = { ...answer.headers };
        amendHeaders?.(status, outgoing);
        response.writeHead(status, outgoing);
        pipeline(answer, response).then(() => resolve(status), reject);
      },
    );
    upstream.on('error', reject);
    pipeline(body, upstream).catch(reject);
  });
}

function upstreamStatus(options: S3AuthProxyOptions, method: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = httpRequest({ ...options.upstream, method, path: url.split('?')[0] }, (answer) => {
      answer.resume();
      resolve(answer.statusCode ?? 0);
    });
    probe.on('error', reject);
    probe.end();
  });
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

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

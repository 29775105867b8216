import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isSsmCall } from '#lib/cdn-key-parameter';
import { isCloudFrontApiCall } from '#lib/cloudfront-api';
import { refusalBody, refusalOf } from '#lib/cdn-signed-urls';
import { listenOnLoopback, LOOPBACK } from '#lib/net';
import { MAX_KEY_BYTES, decodeUriPart, unstorableKey } from '#lib/s3-key-rules';

/**
 * Stands in for CloudFront: serves, read-only, the prefixes the bucket policy lets the
 * distribution's Origin Access Control read (published photos, never the upload quarantine).
 * Everything else is 403, as on AWS. A malformed path is 400 and a key that cannot exist is 404;
 * no request reaches S3 with a key that could leave those prefixes once decoded.
 *
 * With `trustedKeys` (the behaviour's trusted key groups, infra.serverless.yml) every request must
 * be signed as CloudFront checks it (cdn-signed-urls.ts) before anything else is looked at: an
 * unsigned, expired, tampered or foreign one is 403 with CloudFront's error document.
 */
export async function startCdn({
  port,
  s3,
  bucket,
  readablePrefixes,
  trustedKeys,
  ssm,
  cloudFrontApi,
  now = Date.now,
}: {
  port: number;
  s3: Pick<S3Client, 'send'>;
  bucket: string;
  readablePrefixes: string[];
  /** The public keys of the trusted key groups, by id; without it, requests need no signature. */
  trustedKeys?: ReadonlyMap<string, KeyObject>;
  /** The local SSM front (cdn-key-parameter.ts), answered on this port for the functions' `AWS_ENDPOINT_URL_SSM`. */
  ssm?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** The local CloudFront API (cloudfront-api.ts), answered on this port for the functions' `AWS_ENDPOINT_URL_CLOUDFRONT`. */
  cloudFrontApi?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  now?: () => number;
}): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    if (ssm && isSsmCall(request)) return ssm(request, response);
    if (cloudFrontApi && isCloudFrontApiCall(request)) return cloudFrontApi(request, response);
    const text = (status: number, body: string) => response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    // The raw path, not WHATWG URL parsing: that resolves `..` and `%2E%2E` before we can look.
    const [rawPath = '', rawQuery = ''] = (request.url ?? '').split(/\?(.*)/s);
    const key = rawPath.startsWith('/') ? decodeUriPart(rawPath.slice(1)) : undefined;
    if (key === undefined) return text(400, 'Bad Request');
    if (!['GET', 'HEAD'].includes(request.method ?? '')) return text(403, 'Forbidden');
    if (trustedKeys) {
      const origin = `http://${request.headers.host ?? `${LOOPBACK}:${port}`}`;
      const sourceIp = request.socket.remoteAddress ?? '';
      const refusal = refusalOf({ origin, rawPath, rawQuery, sourceIp, now: now() }, trustedKeys);
      if (refusal) return response.writeHead(403, { 'content-type': 'text/xml' }).end(refusalBody(refusal));
    }
    if (!readablePrefixes.some((prefix) => key.startsWith(prefix))) return text(403, 'Forbidden');
    if (Buffer.byteLength(key) > MAX_KEY_BYTES || unstorableKey(key)) return text(404, 'Not Found');
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      response.writeHead(200, {
        'content-type': object.ContentType ?? 'application/octet-stream',
        'content-length': String(object.ContentLength ?? ''),
        ...(object.ETag ? { etag: object.ETag } : {}),
        ...(object.CacheControl ? { 'cache-control': object.CacheControl } : {}),
        'access-control-allow-origin': '*',
        'x-content-type-options': 'nosniff', // as CloudFront's SecurityHeadersPolicy adds
      });
      if (request.method === 'HEAD') {
        (object.Body as Readable).destroy();
        response.end();
        return;
      }
      await pipeline(object.Body as Readable, response);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (response.headersSent)
        response.destroy(); // the body broke off: the client sees a short read
      else if (name === 'NoSuchKey' || name === 'NotFound') text(404, 'Not Found');
      else text(502, 'Bad Gateway');
    }
  });
  await listenOnLoopback(server, port);
  const address = server.address();
  return { url: `http://${LOOPBACK}:${typeof address === 'object' && address ? address.port : port}`, server };
}

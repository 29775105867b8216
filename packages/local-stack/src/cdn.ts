import { createServer, type Server } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listenOnLoopback, LOOPBACK } from '#lib/net';
import { MAX_KEY_BYTES, decodeUriPart, unstorableKey } from '#lib/s3-key-rules';

/**
 * Stands in for CloudFront: serves, read-only, the prefixes the bucket policy lets the
 * distribution's Origin Access Control read (published photos, never the upload quarantine).
 * Everything else is 403, as on AWS. A malformed path is 400 and a key that cannot exist is 404;
 * no request reaches S3 with a key that could leave those prefixes once decoded.
 */
export async function startCdn({
  port,
  s3,
  bucket,
  readablePrefixes,
}: {
  port: number;
  s3: S3Client;
  bucket: string;
  readablePrefixes: string[];
}): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const text = (status: number, body: string) => response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    // The raw path, not WHATWG URL parsing: that resolves `..` and `%2E%2E` before we can look.
    const rawPath = (request.url ?? '').split('?')[0]!;
    const key = rawPath.startsWith('/') ? decodeUriPart(rawPath.slice(1)) : undefined;
    if (key === undefined) return text(400, 'Bad Request');
    if (!['GET', 'HEAD'].includes(request.method ?? '') || !readablePrefixes.some((prefix) => key.startsWith(prefix)))
      return text(403, 'Forbidden');
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

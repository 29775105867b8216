import { createServer, type Server } from 'node:http';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LOOPBACK } from '#lib/net';

/**
 * Stands in for CloudFront: serves the bucket's `uploads/` objects read-only, as the
 * distribution's Origin Access Control does. Everything else is 403, as on AWS.
 */
export async function startCdn({ port, s3, bucket }: { port: number; s3: S3Client; bucket: string }): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const key = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname.slice(1));
    if (!['GET', 'HEAD'].includes(request.method ?? '') || !key.startsWith('uploads/')) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
      return;
    }
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
      (object.Body as Readable).pipe(response);
    } catch (error) {
      const name = (error as { name?: string }).name;
      const status = name === 'NoSuchKey' || name === 'NotFound' ? 404 : 502;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 404 ? 'Not Found' : 'Bad Gateway');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  const address = server.address();
  return { url: `http://${LOOPBACK}:${typeof address === 'object' && address ? address.port : port}`, server };
}

import type { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import { LOOPBACK } from '#lib/net';

export interface LocalS3 {
  endpoint: string;
  close(): Promise<void>;
}

export interface LocalS3Options {
  directory: string;
  port: number;
  bucket: string;
  /** Origins allowed to PUT from a browser (the bucket's CORS rules). */
  allowedOrigins: string[];
  onEvent(event: S3Event): void;
}

// The same rules infra.serverless.yml gives the real bucket.
function corsConfiguration(origins: string[]): string {
  const allowed = origins.map((origin) => `<AllowedOrigin>${origin}</AllowedOrigin>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    ${allowed}
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}

/** s3rver (in-process): presigned PUTs, metadata, CORS, and S3 event records. */
export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: LOOPBACK,
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [corsConfiguration(options.allowedOrigins)] }],
  });
  const address = await server.run();
  // s3rver is an EventEmitter; its typings leave that out.
  (server as unknown as EventEmitter).on('event', (event: S3Event) => options.onEvent(event));
  return {
    endpoint: `http://${LOOPBACK}:${address.port}`,
    close: () => server.close(),
  };
}

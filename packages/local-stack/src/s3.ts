import type { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import path from 'node:path';
import { ChecksumStore } from '#lib/checksum-store';
import { LOOPBACK, freePort } from '#lib/net';
import { startS3AuthProxy } from '#lib/s3-auth-proxy';
import { sweepS3Store } from '#lib/s3-store-sweep';

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
  log(line: Record<string, unknown>): void;
}

/** The local stack's only S3 key pair (s3rver's fixed one). Not a secret: it exists only here. */
export const LOCAL_S3_CREDENTIALS: Record<string, string> = { S3RVER: 'S3RVER' };

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
    <AllowedHeader>content-type</AllowedHeader>
    <AllowedHeader>content-length</AllowedHeader>
    <AllowedHeader>cache-control</AllowedHeader>
    <AllowedHeader>if-none-match</AllowedHeader>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}

/**
 * s3rver (in-process, on a private port) for storage, CORS and S3 event records, behind a proxy
 * that checks signatures the way S3 does (see s3-auth-proxy.ts). Only the proxy is exposed.
 */
export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const objectsDir = path.join(options.directory, 'objects');
  const lostAndFound = path.join(options.directory, 'lost+found', new Date().toISOString().replace(/[:.]/g, '-'));
  const setAside = await sweepS3Store({ objectsDir, lostAndFound, log: options.log });
  if (setAside) options.log({ level: 'warn', message: `S3 store: ${setAside} partial object(s) from an unclean stop set aside`, directory: lostAndFound });
  const server = new S3rver({
    address: LOOPBACK,
    port: await freePort(),
    directory: objectsDir,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [corsConfiguration(options.allowedOrigins)] }],
  });
  const address = await server.run();
  // s3rver is an EventEmitter; its typings leave that out.
  (server as unknown as EventEmitter).on('event', (event: S3Event) => options.onEvent(event));
  const checksums = new ChecksumStore(path.join(options.directory, 'checksums.json'), options.log);
  const proxy = await startS3AuthProxy({
    port: options.port,
    upstream: { hostname: LOOPBACK, port: address.port },
    credentials: LOCAL_S3_CREDENTIALS,
    checksums,
    spoolDir: path.join(options.directory, 'spool'),
    log: options.log,
  });
  return {
    endpoint: proxy.endpoint,
    close: async () => {
      await new Promise<void>((resolve) => {
        proxy.server.close(() => resolve());
        proxy.server.closeAllConnections();
      });
      await server.close();
      await checksums.idle();
    },
  };
}

import type { EventEmitter } from 'node:events';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import S3rver from 's3rver';
import path from 'node:path';
import { ChecksumStore } from '#lib/checksum-store';
import { LOCAL_S3_CREDENTIALS } from '#lib/local-credentials';
import type { CorsRule } from '#lib/local-infra';
import { startS3AuthProxy, type MultipartUploads } from '#lib/s3-auth-proxy';
import { sweepS3Store } from '#lib/s3-store-sweep';
import { cacheBucketConfigs } from '#lib/s3rver-config-cache';

export interface LocalS3 {
  endpoint: string;
  /** Resolves once every S3 event emitted before the call has been handed to `onEvent`. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalS3Options {
  directory: string;
  port: number;
  bucket: string;
  /** The bucket's CORS rules, as infra.serverless.yml declares them. */
  corsRules: CorsRule[];
  onEvent(event: S3Event): void;
  log(line: Record<string, unknown>): void;
}

/** The bucket's CORS rules (read from infra.serverless.yml) as s3rver's PutBucketCors XML. */
function corsConfiguration(rules: CorsRule[]): string {
  const list = (tag: string, values: Array<string | number> = []) => values.map((value) => `<${tag}>${value}</${tag}>`).join('');
  const body = rules
    .map((rule) =>
      [
        '<CORSRule>',
        list('AllowedOrigin', rule.AllowedOrigins),
        list('AllowedMethod', rule.AllowedMethods),
        list('AllowedHeader', rule.AllowedHeaders),
        list('ExposeHeader', rule.ExposedHeaders),
        rule.MaxAge === undefined ? '' : list('MaxAgeSeconds', [rule.MaxAge]),
        '</CORSRule>',
      ].join(''),
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</CORSConfiguration>`;
}

/**
 * s3rver (in-process) for storage, CORS and S3 event records, behind a proxy that checks
 * signatures the way S3 does (see s3-auth-proxy.ts) and hands what passes to s3rver's handler in
 * this thread: s3rver has no port of its own, so nothing reaches it unchecked.
 */
export async function startS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const objectsDir = path.join(options.directory, 'objects');
  const lostAndFound = path.join(options.directory, 'lost+found', new Date().toISOString().replace(/[:.]/g, '-'));
  const setAside = await sweepS3Store({ objectsDir, lostAndFound, log: options.log });
  if (setAside)
    options.log({
      level: 'warn',
      message: `S3 store: ${setAside} partial object(s) from an unclean stop set aside`,
      directory: lostAndFound,
    });
  const server = new S3rver({
    directory: objectsDir,
    silent: true,
    configureBuckets: [{ name: options.bucket, configs: [corsConfiguration(options.corsRules)] }],
  });
  cacheBucketConfigs((server as unknown as { store: Parameters<typeof cacheBucketConfigs>[0] }).store);
  // The buckets and their CORS rules, without s3rver's own listener: the proxy calls its handler.
  await (server as unknown as { configureBuckets(): Promise<void> }).configureBuckets();
  // s3rver is an EventEmitter; its typings leave that out.
  (server as unknown as EventEmitter).on('event', (event: S3Event) => options.onEvent(event));
  const checksums = new ChecksumStore(path.join(options.directory, 'checksums.json'), options.log);
  const proxy = await startS3AuthProxy({
    port: options.port,
    s3rver: server.callback(),
    credentials: { [LOCAL_S3_CREDENTIALS.accessKeyId]: LOCAL_S3_CREDENTIALS.secretAccessKey },
    checksums,
    spoolDir: path.join(options.directory, 'spool'),
    multipart: multipartUploads(server),
    log: options.log,
  });
  return {
    endpoint: proxy.endpoint,
    // Nothing to do: answering proves every event emitted before it was already posted.
    flush: async () => undefined,
    close: async () => {
      await new Promise<void>((resolve) => {
        proxy.server.close(() => resolve());
        proxy.server.closeAllConnections();
      });
      // What s3rver does when its listener closes.
      const { logger } = server as unknown as { logger: { exceptions: { unhandle(): void }; close(): void } };
      logger.exceptions.unhandle();
      logger.close();
      await checksums.idle();
    },
  };
}

/** s3rver keeps a multipart upload's parts in a folder per upload, named by part number (its filesystem store). */
function multipartUploads(server: S3rver): MultipartUploads {
  const store = (server as unknown as { store: { getResourcePath(bucket: string, key: undefined, resource: string): string } }).store;
  // Upload ids are s3rver's own hex; anything else names no folder of it.
  const folder = (bucket: string, uploadId: string) =>
    /^[0-9a-f]{32}$/.test(uploadId) ? path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId) : undefined;
  return {
    async parts(bucket, uploadId) {
      const dir = folder(bucket, uploadId);
      const names = dir ? await readdir(dir).catch(() => null) : null;
      if (!dir || !names) return null;
      const numbered = names.filter((name) => /^\d+$/.test(name));
      return Promise.all(numbered.map(async (name) => ({ number: Number(name), size: (await stat(path.join(dir, name))).size })));
    },
    async abort(bucket, uploadId) {
      const dir = folder(bucket, uploadId);
      if (!dir || !(await stat(dir).catch(() => null))) return false;
      await rm(dir, { recursive: true, force: true });
      return true;
    },
  };
}

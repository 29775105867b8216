import { Sha256Node } from '@smithy/core/checksum';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { exportRequestKey, type ExportQueue, type PhotoExport } from '@event-photos/core';
import { endpointOf, type UploadSigningConfig } from '#lib/upload-signer';

// Asks for the export worker by writing a small object under exports/requests/: the bucket's
// ObjectCreated notification on that prefix invokes it (serverless.yml), asynchronously, with
// Lambda's retries. One signed PutObject with fetch, as aws-json-call.ts calls SSM and Cognito:
// the S3 client would add ~100 KiB to a route's bundle that makes this one call.

/** An S3 error answer, named by its `<Code>`. */
export class S3RequestFailedError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    key: string,
  ) {
    super(`PutObject ${key} answered ${status} ${code}`);
  }
}

export class S3ExportQueue implements ExportQueue {
  constructor(
    private readonly signing: UploadSigningConfig,
    private readonly bucket: string,
  ) {}

  async request({ eventId, exportId }: Pick<PhotoExport, 'eventId' | 'exportId'>): Promise<void> {
    const key = exportRequestKey(eventId, exportId);
    const body = JSON.stringify({ eventId, exportId });
    const url = objectUrl(this.signing, this.bucket, key);
    const request: HttpRequest = {
      method: 'PUT',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    };
    const signer = new SignatureV4({
      service: 's3',
      region: this.signing.region,
      credentials: this.signing.credentials,
      sha256: Sha256Node,
      // S3 signs the path as sent, not URI-encoded a second time.
      uriEscapePath: false,
    });
    const signed = await signer.sign(request);
    const response = await fetch(url, {
      method: 'PUT',
      headers: signed.headers,
      body,
      // The route's own timeout is 10 s: a stuck call fails the request sooner, and the client asks again.
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    if (!response.ok) throw new S3RequestFailedError(/<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? 'UnknownError', response.status, key);
  }
}

/** The object's URL, as presigned URLs address it (upload-signer.ts's endpointOf: virtual-hosted on AWS, path-style on an emulator that needs it). */
function objectUrl(signing: UploadSigningConfig, bucket: string, key: string): URL {
  const { protocol, hostname, port, pathPrefix } = endpointOf(signing, bucket);
  return new URL(
    `${protocol}//${hostname}${port ? `:${port}` : ''}${pathPrefix}/${key.split('/').map(extendedEncodeURIComponent).join('/')}`,
  );
}

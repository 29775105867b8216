import type { SignatureV4 } from '@smithy/signature-v4';
import { exportRequestKey, type ExportQueue, type PhotoExport } from '@event-photos/core';
import { s3ObjectUrl, s3SignatureV4, type UploadSigningConfig } from '#lib/s3-signing';
import { signedFetch } from '#lib/signed-fetch';

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
  readonly #signer: SignatureV4;

  constructor(
    private readonly signing: UploadSigningConfig,
    private readonly bucket: string,
  ) {
    this.#signer = s3SignatureV4(signing);
  }

  async request({ eventId, exportId }: Pick<PhotoExport, 'eventId' | 'exportId'>): Promise<void> {
    const key = exportRequestKey(eventId, exportId);
    const body = JSON.stringify({ eventId, exportId });
    const url = s3ObjectUrl(this.signing, this.bucket, key);
    const response = await signedFetch(this.#signer, {
      method: 'PUT',
      url,
      headers: { 'content-type': 'application/json' },
      body,
      // The route's own timeout is 10 s: a stuck call fails the request sooner, and the client asks again.
      timeoutMs: 5000,
    });
    const { text } = response;
    if (!response.ok) throw new S3RequestFailedError(/<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? 'UnknownError', response.status, key);
  }
}

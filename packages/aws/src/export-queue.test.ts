import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { S3ExportQueue, S3RequestFailedError } from '#lib/export-queue';

// The request that starts the worker: one signed PutObject of a small JSON object under
// exports/requests/. That S3 accepts its signature is checked against the local S3, which verifies
// SigV4 with the SDK's own signer (tests/e2e/src/exports.integration.test.ts).
const EXPORT_ID = '9b2e4f0c-51f3-4c6e-9f0a-2d7f4c1b8e3a';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const calls: Array<{ url: string; init: RequestInit }> = [];

function answer(status: number, body = '') {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: URL, init: RequestInit) => {
      calls.push({ url: String(url), init });
      return new Response(body, { status });
    }),
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  calls.length = 0;
});

describe('S3ExportQueue', () => {
  it('PUTs {eventId, exportId} to the request key, signed for S3 with the payload hash', async () => {
    answer(200);
    await new S3ExportQueue({ region: 'eu-west-1', credentials }, 'photos-bucket').request({ eventId: 'summit-2026', exportId: EXPORT_ID });
    const [{ url, init }] = calls as [(typeof calls)[0]];
    expect(url).toBe(`https://photos-bucket.s3.eu-west-1.amazonaws.com/exports/requests/event_summit-2026/${EXPORT_ID}.json`);
    expect(init.method).toBe('PUT');
    expect(init.body).toBe(JSON.stringify({ eventId: 'summit-2026', exportId: EXPORT_ID }));
    const headers = init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(String(init.body)).digest('hex'));
    expect(headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
  });

  it('addresses an emulator path-style when told to', async () => {
    answer(200);
    await new S3ExportQueue({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:4512', forcePathStyle: true }, 'local').request(
      {
        eventId: 'e',
        exportId: EXPORT_ID,
      },
    );
    expect(calls[0]!.url).toBe(`http://127.0.0.1:4512/local/exports/requests/event_e/${EXPORT_ID}.json`);
  });

  it("fails with S3's error code when the PUT is refused", async () => {
    answer(403, '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    const failed = await new S3ExportQueue({ region: 'eu-west-1', credentials }, 'b')
      .request({ eventId: 'e', exportId: EXPORT_ID })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(S3RequestFailedError);
    expect(failed).toMatchObject({ code: 'AccessDenied', status: 403 });
  });
});

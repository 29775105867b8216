import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PutObjectCommand, S3Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsCredentialIdentity, FinalizeRequestMiddleware, HttpRequest } from '@smithy/types';
import { encodeUploadMetadata } from '@event-photos/core';
import { UPLOAD_CACHE_CONTROL, signUpload, type UploadSigningConfig, type UploadToSign } from '#lib/upload-signer';

// signUpload builds and signs the PutObject request itself. Here the SDK's own presigner
// (an S3Client, getSignedUrl, the options signUpload used to pass it) signs the same upload on
// the same date with the same credentials: equal URLs, signature included, mean every element
// the SDK signs is signed, with the same values.

/** The SDK's presigned URL, and the headers it left for the client to send (the signed ones). */
async function sdkPresigned(signing: UploadSigningConfig & { credentials: AwsCredentialIdentity }, upload: UploadToSign, now: Date) {
  const s3 = new S3Client({
    region: signing.region,
    credentials: signing.credentials,
    ...(signing.endpoint ? { endpoint: signing.endpoint } : {}),
    forcePathStyle: signing.forcePathStyle ?? false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let presigned: HttpRequest | undefined;
  // Runs around getSignedUrl's own presigning middleware and keeps the request it signed.
  const capture: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
    const result = await next(args);
    presigned = (result.output as unknown as { presigned: HttpRequest }).presigned;
    return result;
  };
  s3.middlewareStack.addRelativeTo(capture, { name: 'capturePresigned', relation: 'before', toMiddleware: 'presignInterceptMiddleware' });
  const command = new PutObjectCommand({
    Bucket: upload.bucket,
    Key: upload.key,
    ContentType: upload.contentType,
    ContentLength: upload.size,
    CacheControl: UPLOAD_CACHE_CONTROL,
    IfNoneMatch: '*',
    Metadata: upload.metadata,
    ...(upload.sha256Base64 ? { ChecksumSHA256: upload.sha256Base64 } : {}),
  });
  const url = await getSignedUrl(s3, command, {
    expiresIn: upload.expiresInSeconds,
    signingDate: now,
    signableHeaders: new Set(['content-type', 'content-length', 'cache-control', 'if-none-match']),
    unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
  });
  s3.destroy();
  const signedNames = new URL(url).searchParams.get('X-Amz-SignedHeaders')!.split(';');
  const headers = Object.fromEntries(
    Object.entries(presigned!.headers)
      .filter(([name]) => signedNames.includes(name.toLowerCase()))
      .map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { url, headers };
}

const lowercased = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const NOW = new Date('2026-05-01T10:00:00.000Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
// Lambda's role credentials are temporary: the session token must travel in the URL.
const SESSION = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQD+session/token==' };
const ON_AWS = { region: 'eu-west-1', credentials: SESSION };
const LOCAL = { region: 'eu-west-1', credentials: KEYS, endpoint: 'http://127.0.0.1:4512', forcePathStyle: true };

const upload: UploadToSign = {
  bucket: 'event-photos-api-prod-photosbucket-1a2b3c4d5e6f',
  key: 'uploads/event_summit-2026/01890a5d-ac96-774b-bcce-b302099a8057.jpg',
  contentType: 'image/jpeg',
  size: 1234,
  metadata: encodeUploadMetadata({
    photoId: '01890a5d-ac96-774b-bcce-b302099a8057',
    eventId: 'summit-2026',
    uploaderId: 'user-1',
    contentType: 'image/jpeg',
    title: '키노트 연설 🎤',
    description: 'Day one: "keynote" & Q+A, 100% (of it)',
  }),
  expiresInSeconds: 300,
};
const SHA256_BASE64 = createHash('sha256').update('photo bytes').digest('base64');

describe('signUpload signs what the SDK presigner signs', () => {
  it.each<[string, UploadSigningConfig & { credentials: AwsCredentialIdentity }, Partial<UploadToSign>]>([
    ['on AWS, with a session token', ON_AWS, {}],
    ['on AWS, with a session token and a declared SHA-256', ON_AWS, { sha256Base64: SHA256_BASE64 }],
    ['on AWS, with long-term keys', { region: 'eu-west-1', credentials: KEYS }, {}],
    ['in us-east-1', { ...ON_AWS, region: 'us-east-1' }, { sha256Base64: SHA256_BASE64 }],
    ['path-style at a local endpoint', LOCAL, {}],
    [
      'path-style at a local endpoint, with a SHA-256 and a session token',
      { ...LOCAL, credentials: SESSION },
      { sha256Base64: SHA256_BASE64 },
    ],
    ['virtual-hosted at a custom endpoint', { ...ON_AWS, endpoint: 'https://s3.storage.example' }, {}],
    ['a key that needs encoding', ON_AWS, { key: "uploads/a b/c+d%e/(x)!'*~é 🎤.jpg" }],
    ['a key that needs encoding, path-style', LOCAL, { key: "uploads/a b/c+d%e/(x)!'*~é 🎤.jpg" }],
    ['no metadata, an hour', ON_AWS, { metadata: {}, expiresInSeconds: 3600 }],
  ])('%s', async (_name, signing, change) => {
    const input = { ...upload, ...change };
    const ours = await signUpload(signing, input, NOW);
    const sdk = await sdkPresigned(signing, input, NOW);
    expect(ours.url).toBe(sdk.url);
    const host = new URL(sdk.url).host;
    expect({ ...lowercased(ours.headers), host }).toEqual(sdk.headers);
  });

  it('puts the session token in the URL', async () => {
    const { url } = await signUpload(ON_AWS, upload, NOW);
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe(SESSION.sessionToken);
  });

  it('takes the credentials from a provider too', async () => {
    const provided = await signUpload({ ...ON_AWS, credentials: async () => SESSION }, upload, NOW);
    expect(provided.url).toBe((await signUpload(ON_AWS, upload, NOW)).url);
  });
});

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
// @smithy/util-stream is not installed on its own here; the SDK ships sdkStreamMixin in @smithy/core/serde.
import { sdkStreamMixin } from '@smithy/core/serde';
import { ObjectStorage } from '#lib/object-storage';

// The S3 requests behind ObjectStorage; what they mean is the ObjectStore contract, which also
// runs against the local S3 (tests/e2e/src/store-contracts.integration.test.ts).
const BUCKET = 'photos-bucket-test';
const KEY = 'uploads/event_demo/01890a5d-ac96-774b-bcce-b302099a8057.jpg';
const s3 = mockClient(S3Client);
const storage = new ObjectStorage(new S3Client({ region: 'eu-west-1' }), BUCKET);
const body = (...chunks: Buffer[]) => sdkStreamMixin(Readable.from(chunks));

beforeEach(() => {
  s3.reset();
});

describe('publish', () => {
  it('copies the version headed with only the headers given (metadata replaced)', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await storage.publish('uploads/a.jpg', 'photos/a.jpg', '"e-1"', { contentType: 'image/jpeg', cacheControl: 'public, max-age=60' });
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: 'photos/a.jpg',
      CopySource: `${BUCKET}/uploads/a.jpg`,
      CopySourceIfMatch: '"e-1"',
      MetadataDirective: 'REPLACE',
      ContentType: 'image/jpeg',
      CacheControl: 'public, max-age=60',
    });
  });
});

describe('head', () => {
  it('asks for the stored checksum and maps size, type, metadata, ETag, Cache-Control', async () => {
    s3.on(HeadObjectCommand).resolves({
      ContentLength: 5000,
      ContentType: 'image/jpeg',
      Metadata: { photoid: 'p-1' },
      ETag: '"e-1"',
      CacheControl: 'no-cache',
    });
    await expect(storage.head(KEY)).resolves.toStrictEqual({
      size: 5000,
      contentType: 'image/jpeg',
      metadata: { photoid: 'p-1' },
      etag: '"e-1"',
      verifiedSha256: undefined,
      cacheControl: 'no-cache',
    });
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY, ChecksumMode: 'ENABLED' });
  });

  it('reports a full-object SHA-256 checksum as hex', async () => {
    const digest = createHash('sha256').update('photo bytes').digest();
    s3.on(HeadObjectCommand).resolves({ ContentLength: 11, ChecksumSHA256: digest.toString('base64'), ChecksumType: 'FULL_OBJECT' });
    expect((await storage.head(KEY))!.verifiedSha256).toBe(digest.toString('hex'));
  });

  it.each([
    [
      'a composite (multipart) checksum',
      { ChecksumSHA256: `${Buffer.alloc(32, 9).toString('base64')}-3`, ChecksumType: 'COMPOSITE' as const },
    ],
    [
      'a checksum typed COMPOSITE without the part count',
      { ChecksumSHA256: Buffer.alloc(32, 9).toString('base64'), ChecksumType: 'COMPOSITE' as const },
    ],
  ])('reports no SHA-256 for %s: it is not the hash of the object', async (_name, checksum) => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ...checksum });
    expect((await storage.head(KEY))!.verifiedSha256).toBeUndefined();
  });

  it('answers null for NotFound, and rethrows anything else', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    await expect(storage.head(KEY)).resolves.toBeNull();
    const slowDown = new S3ServiceException({
      name: 'SlowDown',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
      message: 'Slow down',
    });
    s3.on(HeadObjectCommand).rejects(slowDown);
    await expect(storage.head(KEY)).rejects.toBe(slowDown);
  });
});

describe('read and write', () => {
  it('reads the whole version headed, hashing it as it streams in', async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.alloc(3, 2)];
    s3.on(GetObjectCommand).resolves({ Body: body(...chunks) });
    const { bytes, sha256 } = await storage.read(KEY, '"e-1"');
    expect({ bytes: Buffer.from(bytes), sha256 }).toStrictEqual({
      bytes: Buffer.concat(chunks),
      sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'),
    });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY, IfMatch: '"e-1"' });
  });

  it('writes an object with only the headers given', async () => {
    s3.on(PutObjectCommand).resolves({});
    const bytes = new Uint8Array([1, 2, 3]);
    await storage.write('photos/event_e/p_w320.webp', bytes, { contentType: 'image/webp', cacheControl: 'public, max-age=1' });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toStrictEqual({
      Bucket: BUCKET,
      Key: 'photos/event_e/p_w320.webp',
      Body: bytes,
      ContentType: 'image/webp',
      CacheControl: 'public, max-age=1',
    });
  });

  it('fails when S3 refuses the version (412 for a changed ETag)', async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'Precondition failed',
      }),
    );
    await expect(storage.read(KEY, '"old"')).rejects.toThrow('Precondition failed');
  });
});

describe('delete and keys', () => {
  it('deletes the key in the bucket', async () => {
    s3.on(DeleteObjectCommand).resolves({});
    await storage.delete(KEY);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({ Bucket: BUCKET, Key: KEY });
  });

  it('lists every page under the prefix, following the continuation tokens', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      IsTruncated: true,
      NextContinuationToken: 'page-2',
      Contents: [{ Key: 'uploads/1' }, { Key: 'uploads/2' }],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({ IsTruncated: false, Contents: [{ Key: 'uploads/3' }] });
    const keys: string[] = [];
    for await (const key of storage.keys('uploads/')) keys.push(key);
    expect(keys).toEqual(['uploads/1', 'uploads/2', 'uploads/3']);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: 'uploads/', ContinuationToken: undefined },
      { Bucket: BUCKET, Prefix: 'uploads/', ContinuationToken: 'page-2' },
    ]);
  });

  it('lists nothing for an empty prefix', async () => {
    s3.on(ListObjectsV2Command).resolves({ IsTruncated: false });
    const keys: string[] = [];
    for await (const key of storage.keys('uploads/')) keys.push(key);
    expect(keys).toEqual([]);
  });
});

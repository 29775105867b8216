import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
// @smithy/util-stream is not installed on its own here; the SDK ships sdkStreamMixin in @smithy/core.
import { sdkStreamMixin } from '@smithy/core/serde';
import { FEED_SETTLE_MS, encodeUploadMetadata, type PendingUpload, type Photo, type UploadMetadata } from '@event-photos/core';
import { lambdaContext, s3Event, s3Record } from '../test-support/events';
import { decodeS3Key, handler } from './process-uploaded-photo';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);

const CDN = 'https://d111111abcdef8.cloudfront.net';
const EVENT_ID = 'demo';
const IDS = [
  '01890a5d-ac96-774b-bcce-b302099a8057',
  '01890a5d-ac96-774b-bcce-b302099a8058',
  '01890a5d-ac96-774b-bcce-b302099a8059',
] as const;
const PHOTO_ID = IDS[0];
const keyOf = (photoId: string) => `uploads/event_${EVENT_ID}/${photoId}.jpg`;
const pk = `EVENT#${EVENT_ID}`;

const JPEG_HEADER = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const jpeg = (size: number, fill = 7) => Buffer.concat([JPEG_HEADER, Buffer.alloc(size - JPEG_HEADER.length, fill)]);

interface StoredObject {
  chunks: Buffer[];
  metadata: Record<string, string>;
  etag: string;
  /** What HeadObject reports, when it differs from the bytes. */
  contentLength?: number;
  checksumSha256?: string;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
}

let objects: Map<string, StoredObject>;
let items: Map<string, Record<string, unknown>>;

function pendingFor(photoId: string, overrides: Partial<PendingUpload> = {}): PendingUpload {
  return {
    photoId,
    eventId: EVENT_ID,
    title: `키노트 연설 🎤 ${photoId.slice(-4)}`,
    description: '主'.repeat(2000), // too long for the object's metadata
    contentType: 'image/jpeg',
    size: 5000,
    uploaderId: `uploader-of-${photoId.slice(-4)}`,
    uploaderName: `name-${photoId.slice(-4)}`,
    objectKey: keyOf(photoId),
    initiatedAt: '2026-05-01T10:00:00.000Z',
    expiresAt: '2026-05-01T10:05:00.000Z',
    ...overrides,
  };
}

function metadataFor(pending: PendingUpload, overrides: Partial<UploadMetadata> = {}) {
  return encodeUploadMetadata({
    photoId: pending.photoId,
    eventId: pending.eventId,
    uploaderId: pending.uploaderId,
    contentType: pending.contentType,
    title: pending.title,
    description: pending.description,
    ...overrides,
  });
}

/** Stores what initiate-upload records and what the client then PUTs, consistent unless overridden. */
function upload(
  photoId: string,
  {
    pending = pendingFor(photoId),
    chunks = [jpeg(pending?.size ?? 5000)],
    metadata = metadataFor(pending ?? pendingFor(photoId)),
    object = {},
  }: { pending?: PendingUpload | null; chunks?: Buffer[]; metadata?: Record<string, string>; object?: Partial<StoredObject> } = {},
) {
  if (pending) items.set(`${pk}|UPLOAD#${photoId}`, { ...pending, ttl: 1_800_000_000 });
  objects.set(keyOf(photoId), { chunks, metadata, etag: `"etag-${photoId.slice(-4)}"`, ...object });
  return pending;
}

const sha256Hex = (chunks: Buffer[]) => createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
const photoPuts = () => ddb.commandCalls(PutCommand).filter((call) => String(call.args[0].input.Item?.['sk']).startsWith('PHOTO#'));
const photosWritten = () => photoPuts().map((call) => call.args[0].input.Item as Photo & { pk: string; sk: string });
const rejections = () =>
  ddb.commandCalls(UpdateCommand).map((call) => ({
    sk: call.args[0].input.Key!['sk'],
    reason: call.args[0].input.ExpressionAttributeValues![':reason'] as string,
  }));
const deletedKeys = () => s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);
const invoke = (...keys: string[]) => handler(s3Event(...keys), lambdaContext('process-uploaded-photo'));

beforeEach(() => {
  s3.reset();
  ddb.reset();
  objects = new Map();
  items = new Map();

  s3.on(HeadObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
    const object = input.Bucket === 'photos-bucket-test' ? objects.get(input.Key) : undefined;
    if (!object) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
    return {
      ContentLength: object.contentLength ?? Buffer.concat(object.chunks).length,
      ContentType: 'image/jpeg',
      Metadata: object.metadata,
      ETag: object.etag,
      ...(object.checksumSha256 ? { ChecksumSHA256: object.checksumSha256, ChecksumType: object.checksumType ?? 'FULL_OBJECT' } : {}),
    };
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string; IfMatch?: string; Range?: string }) => {
    const object = objects.get(input.Key);
    if (!object || input.Bucket !== 'photos-bucket-test') throw new Error(`unexpected GetObject ${input.Key}`);
    if (input.IfMatch !== object.etag) throw new Error(`GetObject without the HeadObject ETag: ${input.IfMatch}`);
    let chunks = object.chunks;
    if (input.Range) {
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(input.Range)!;
      chunks = [Buffer.concat(object.chunks).subarray(Number(first), Number(last) + 1)];
    }
    return { Body: sdkStreamMixin(Readable.from(chunks)), ETag: object.etag };
  });
  s3.on(DeleteObjectCommand).callsFake(async (input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  ddb.on(GetCommand).callsFake(async (input: { TableName: string; Key: { pk: string; sk: string } }) => {
    if (input.TableName !== 'photos-test') throw new Error(`unexpected table ${input.TableName}`);
    const item = items.get(`${input.Key.pk}|${input.Key.sk}`);
    return item ? { Item: { ...input.Key, ...item } } : {};
  });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

describe('decodeS3Key', () => {
  it('decodes URL encoding with + for spaces', () => {
    expect(decodeS3Key('a+b%2Bc%20d')).toBe('a b+c d');
    expect(decodeS3Key(keyOf(PHOTO_ID))).toBe(keyOf(PHOTO_ID));
    expect(decodeS3Key('%ED%82%A4%EB%85%B8%ED%8A%B8')).toBe('키노트');
  });
});

describe('process-uploaded-photo', () => {
  it('records the photo: text from the upload record, computed sha256, HeadObject size, CDN url', async () => {
    const chunks = [jpeg(40_000, 1), Buffer.alloc(70_000, 2), Buffer.from([0, 255, 1])];
    const size = Buffer.concat(chunks).length;
    const pending = upload(PHOTO_ID, {
      pending: pendingFor(PHOTO_ID, { size, uploaderId: 'cognito-sub-42' }),
      chunks,
      // Metadata as S3 returns it: the title an RFC 2047 encoded word; no description (did not fit).
      metadata: {
        ...metadataFor(pendingFor(PHOTO_ID, { uploaderId: 'cognito-sub-42' })),
        title: `=?UTF-8?B?${Buffer.from(`키노트 연설 🎤 ${PHOTO_ID.slice(-4)}`).toString('base64')}?=`,
      },
    })!;
    expect(metadataFor(pending)).not.toHaveProperty('description');

    const before = Date.now();
    // The key arrives URL-encoded and the record's own size is wrong: neither may leak into the photo.
    await expect(
      handler({ Records: [s3Record(keyOf(PHOTO_ID).replace('event_', 'event%5F'), { size: 1 })] }, lambdaContext()),
    ).resolves.toEqual({ created: 1, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });

    const written = photoPuts();
    expect(written).toHaveLength(1);
    const input = written[0]!.args[0].input;
    expect(input.TableName).toBe('photos-test');
    expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input.Item).toEqual({
      pk,
      sk: `PHOTO#${PHOTO_ID}`,
      photoId: PHOTO_ID,
      eventId: EVENT_ID,
      title: `키노트 연설 🎤 ${PHOTO_ID.slice(-4)}`,
      description: '主'.repeat(2000),
      contentType: 'image/jpeg',
      size,
      sha256: sha256Hex(chunks),
      url: `${CDN}/uploads/event_${EVENT_ID}/${PHOTO_ID}.jpg`,
      uploaderId: 'cognito-sub-42',
      uploaderName: `name-${PHOTO_ID.slice(-4)}`,
      objectKeys: [keyOf(PHOTO_ID)],
      createdAt: expect.any(String),
      // Listing's keys and searched texts (photo-repository.test.ts checks their values).
      readyKey: expect.any(String),
      uploaderKey: expect.any(String),
      titleFold: expect.any(String),
      descriptionFold: expect.any(String),
    });
    expect(Date.parse(input.Item!['createdAt'] as string)).toBeGreaterThanOrEqual(before);

    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'photos-bucket-test',
      Key: keyOf(PHOTO_ID),
      ChecksumMode: 'ENABLED',
    });
    expect(deletedKeys()).toEqual([]);
    expect(rejections()).toEqual([]);
  });

  it("takes title and description from the upload record, not from the object's metadata", async () => {
    const pending = upload(PHOTO_ID, {
      metadata: metadataFor(pendingFor(PHOTO_ID), { title: 'Title in the metadata', description: 'Description in the metadata' }),
    })!;
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 1, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
    expect(photosWritten()[0]).toMatchObject({ title: pending.title, description: pending.description });
  });

  it('uses the SHA-256 S3 verified on upload without reading the whole object again', async () => {
    const chunks = [jpeg(5000)];
    const digest = createHash('sha256').update(Buffer.concat(chunks)).digest();
    upload(PHOTO_ID, { chunks, object: { checksumSha256: digest.toString('base64') } });

    await invoke(keyOf(PHOTO_ID));

    expect(photosWritten()[0]!.sha256).toBe(digest.toString('hex'));
    const reads = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range);
    expect(reads).toEqual(['bytes=0-4099']); // only the bytes the type check needs
  });

  it('computes the SHA-256 itself when S3 only has a composite (multipart) checksum', async () => {
    const chunks = [jpeg(5000)];
    upload(PHOTO_ID, { chunks, object: { checksumSha256: `${Buffer.alloc(32, 9).toString('base64')}-3`, checksumType: 'COMPOSITE' } });

    await invoke(keyOf(PHOTO_ID));

    expect(photosWritten()[0]!.sha256).toBe(sha256Hex(chunks));
  });

  it('writes nothing when the photo is already recorded (duplicate delivery)', async () => {
    upload(PHOTO_ID);
    items.set(`${pk}|PHOTO#${PHOTO_ID}`, { photoId: PHOTO_ID });

    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 1, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
    expect(photoPuts()).toHaveLength(0);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(deletedKeys()).toEqual([]);
  });

  it('stamps the photo ready again when its write took longer than half of FEED_SETTLE_MS', async () => {
    upload(PHOTO_ID);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      ddb.on(PutCommand).callsFake(async (input: { Item: { sk: string } }) => {
        if (input.Item.sk.startsWith('PHOTO#')) vi.setSystemTime(Date.now() + FEED_SETTLE_MS / 2 + 1);
        return {};
      });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toMatchObject({ created: 1 });
      const stamped = photosWritten()[0]!.createdAt;
      const restamps = ddb.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key?.['sk'] === `PHOTO#${PHOTO_ID}`);
      expect(restamps).toHaveLength(1);
      const values = restamps[0]!.args[0].input.ExpressionAttributeValues!;
      expect(Date.parse(values[':createdAt']) - Date.parse(stamped)).toBe(FEED_SETTLE_MS / 2 + 1);
      expect(values[':readyKey']).toBe(`${values[':createdAt']}#${PHOTO_ID}`);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not stamp again after a quick write', async () => {
    upload(PHOTO_ID);
    await invoke(keyOf(PHOTO_ID));
    expect(ddb.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key?.['sk'] === `PHOTO#${PHOTO_ID}`)).toHaveLength(0);
  });

  it('does not throw when a concurrent delivery wins the conditional put', async () => {
    upload(PHOTO_ID);
    ddb.on(PutCommand).callsFake(async (input: { Item: { sk: string } }) => {
      if (input.Item.sk.startsWith('PHOTO#')) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      return {};
    });
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 1, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
    expect(photoPuts()).toHaveLength(1);
    expect(deletedKeys()).toEqual([]);
  });

  it('processes every record of the event', async () => {
    for (const id of IDS) upload(id, { chunks: [jpeg(5000, Number.parseInt(id.slice(-1), 16))] });
    await invoke(...IDS.map(keyOf));

    const written = photosWritten();
    expect(written.map((photo) => photo.photoId).sort()).toEqual([...IDS].sort());
    for (const photo of written) {
      expect(photo.sha256).toBe(sha256Hex(objects.get(keyOf(photo.photoId))!.chunks));
      expect(photo.uploaderId).toBe(`uploader-of-${photo.photoId.slice(-4)}`);
    }
    expect(new Set(written.map((photo) => photo.sha256)).size).toBe(3);
  });

  it('processes a key that appears twice in one event once', async () => {
    upload(PHOTO_ID);
    await invoke(keyOf(PHOTO_ID), keyOf(PHOTO_ID));
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
    expect(photoPuts()).toHaveLength(1);
  });

  it('rejects (so Lambda retries) when one put fails, after processing the others', async () => {
    for (const id of IDS) upload(id);
    const failure = new Error('DynamoDB is unavailable');
    ddb.on(PutCommand).callsFake(async (input: { Item: { photoId: string; sk: string } }) => {
      if (input.Item.sk.startsWith('PHOTO#') && input.Item.photoId === IDS[1]) throw failure;
      return {};
    });

    const error = await invoke(...IDS.map(keyOf)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toEqual([failure]);
    expect((error as AggregateError).message).toBe('1 of 3 uploads failed');
    expect(photosWritten().map((photo) => photo.photoId).sort()).toEqual([...IDS].sort());
    expect(deletedKeys()).toEqual([]); // a transient failure never deletes the upload
  });

  it('rejects when HeadObject fails with anything but NotFound', async () => {
    upload(PHOTO_ID);
    s3.on(HeadObjectCommand).rejects(new Error('SlowDown'));
    await expect(invoke(keyOf(PHOTO_ID))).rejects.toThrow('1 of 1 uploads failed');
    expect(photoPuts()).toHaveLength(0);
    expect(deletedKeys()).toEqual([]);
  });

  it('skips an object that is gone (NotFound on HeadObject)', async () => {
    // An upload record, but nothing stored under the key: HeadObject throws the SDK's NotFound.
    items.set(`${pk}|UPLOAD#${PHOTO_ID}`, { ...pendingFor(PHOTO_ID) });
    await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 1, deleted: 0 });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(deletedKeys()).toEqual([]);
    expect(photoPuts()).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('still processes the other records when one object is gone', async () => {
    upload(IDS[0]);
    upload(IDS[2]);
    await invoke(...IDS.map(keyOf));
    expect(photosWritten().map((photo) => photo.photoId).sort()).toEqual([IDS[0], IDS[2]]);
  });

  describe('the same bytes as another photo of the event', () => {
    const SHA = () => sha256Hex([jpeg(5000)]);
    const claimFailsFor = (holder: string) => {
      items.set(`${pk}|HASH#${SHA()}`, { sha256: SHA(), photoId: holder });
      ddb.on(PutCommand).callsFake(async (input: { Item: { sk: string } }) => {
        if (input.Item.sk.startsWith('HASH#')) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        return {};
      });
    };

    it('marks the upload duplicate of the recorded photo, deletes its object, writes no photo', async () => {
      upload(PHOTO_ID);
      claimFailsFor(IDS[1]);
      items.set(`${pk}|PHOTO#${IDS[1]}`, { photoId: IDS[1] });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 1, rejected: 0, gone: 0, deleted: 0 });
      expect(photoPuts()).toHaveLength(0);
      expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
      const mark = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(mark.Key).toEqual({ pk, sk: `UPLOAD#${PHOTO_ID}` });
      expect(mark.ExpressionAttributeValues).toMatchObject({ ':duplicate': 'duplicate', ':of': IDS[1] });
    });

    it('takes over a stale claim (its photo was deleted) and records the photo', async () => {
      upload(PHOTO_ID);
      claimFailsFor(IDS[1]);
      items.set(`${pk}|UPLOAD#${IDS[1]}`, { ...pendingFor(IDS[1]), status: 'deleted' });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 1, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
      const takeOver = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(takeOver).toMatchObject({ Key: { pk, sk: `HASH#${SHA()}` }, ConditionExpression: 'photoId = :from', ExpressionAttributeValues: { ':from': IDS[1], ':photoId': PHOTO_ID } });
    });
  });

  describe('a photo deleted before or while it is processed', () => {
    const removedRecords = () => ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key);

    it('deletes an object that arrives after its upload was deleted, and writes no photo', async () => {
      upload(PHOTO_ID, { pending: pendingFor(PHOTO_ID, { status: 'deleted', deletedAt: '2026-05-01T10:01:00.000Z' }) });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 1 });
      expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
      expect(photoPuts()).toHaveLength(0);
      expect(rejections()).toEqual([]); // deleted stays deleted, never "rejected"
    });

    it('removes the photo it just wrote and the object when the delete came in between', async () => {
      upload(PHOTO_ID);
      // The delete marks the upload right after processing wrote the photo.
      ddb.on(PutCommand).callsFake(async () => {
        items.set(`${pk}|UPLOAD#${PHOTO_ID}`, { ...pendingFor(PHOTO_ID), status: 'deleted' });
        return {};
      });
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 1 });
      expect(photoPuts()).toHaveLength(1);
      // The claim too: the delete ran before the photo existed, so it could not know the hash.
      expect(removedRecords()).toEqual([{ pk, sk: `PHOTO#${PHOTO_ID}` }, { pk, sk: `HASH#${sha256Hex([jpeg(5000)])}` }]);
      expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
    });

    it('keeps the photo when the upload is still not deleted after the write', async () => {
      upload(PHOTO_ID);
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 1, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
      expect(removedRecords()).toEqual([]);
      expect(deletedKeys()).toEqual([]);
    });
  });

  describe('an object that fails a check is deleted, its upload marked rejected, and no photo written', () => {
    const NOT_OURS = 'The object was not uploaded through an upload URL of this API';
    const MISMATCH = 'The object metadata does not match its upload';

    it.each<[string, () => void, string]>([
      ['no metadata at all', () => upload(PHOTO_ID, { metadata: {} }), NOT_OURS],
      [
        'a content type we do not accept in its metadata',
        () => upload(PHOTO_ID, { metadata: { ...metadataFor(pendingFor(PHOTO_ID)), contenttype: 'text/html' } }),
        NOT_OURS,
      ],
      ['metadata of another photo', () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(IDS[1])) }), MISMATCH],
      [
        'metadata of another event',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { eventId: 'other-event' }) }),
        MISMATCH,
      ],
      [
        'metadata of another uploader',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { uploaderId: 'someone-else' }) }),
        MISMATCH,
      ],
      [
        'metadata declaring another content type',
        () => upload(PHOTO_ID, { metadata: metadataFor(pendingFor(PHOTO_ID), { contentType: 'image/png' }) }),
        MISMATCH,
      ],
      [
        'a size other than the declared one',
        () => upload(PHOTO_ID, { pending: pendingFor(PHOTO_ID, { size: 5000 }), chunks: [jpeg(5001)] }),
        'The file is 5001 bytes, not the declared 5000',
      ],
      [
        'a size over the maximum',
        () => upload(PHOTO_ID, { object: { contentLength: 25 * 1024 * 1024 + 1 } }),
        `The file is ${25 * 1024 * 1024 + 1} bytes, over the maximum of ${25 * 1024 * 1024}`,
      ],
      [
        'PNG bytes declared as JPEG',
        () => upload(PHOTO_ID, { chunks: [Buffer.concat([PNG_HEADER, Buffer.alloc(5000 - PNG_HEADER.length)])] }),
        'The file is image/png, not the declared image/jpeg',
      ],
      [
        'HTML declared as JPEG',
        () => upload(PHOTO_ID, { chunks: [Buffer.from('<html>'.padEnd(5000, ' '))] }),
        'The file is not a recognisable image (declared image/jpeg)',
      ],
      [
        'an upload already rejected',
        () => upload(PHOTO_ID, { pending: pendingFor(PHOTO_ID, { status: 'rejected', rejectionReason: 'Earlier reason' }) }),
        'Earlier reason',
      ],
    ])('%s', async (_name, arrange, reason) => {
      arrange();
      await expect(invoke(keyOf(PHOTO_ID))).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 1, gone: 0, deleted: 0 });
      expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
      expect(rejections()).toEqual([{ sk: `UPLOAD#${PHOTO_ID}`, reason }]);
      expect(photoPuts()).toHaveLength(0);
    });

    it('an object with no upload record is deleted, with nothing to mark', async () => {
      upload(PHOTO_ID, { pending: null });
      await invoke(keyOf(PHOTO_ID));
      expect(deletedKeys()).toEqual([keyOf(PHOTO_ID)]);
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      expect(photoPuts()).toHaveLength(0);
    });

    it.each([
      `uploads/event_${EVENT_ID}/not-a-uuid.jpg`,
      `uploads/event_${EVENT_ID}/${PHOTO_ID.toUpperCase()}.jpg`,
      `uploads/event_${EVENT_ID}/sub/${PHOTO_ID}.jpg`,
      `uploads/${PHOTO_ID}.jpg`,
    ])('the non-upload key %j is deleted without any DynamoDB access', async (key) => {
      objects.set(key, { chunks: [jpeg(5000)], metadata: metadataFor(pendingFor(PHOTO_ID)), etag: '"x"' });
      await expect(invoke(key)).resolves.toEqual({ created: 0, alreadyRecorded: 0, duplicateContent: 0, rejected: 1, gone: 0, deleted: 0 });
      expect(deletedKeys()).toEqual([key]);
      expect(ddb.calls()).toHaveLength(0);
    });
  });

  describe('keys it must not act on', () => {
    it('fails (so nothing is deleted) for a key outside uploads/', async () => {
      objects.set('avatars/me.jpg', { chunks: [jpeg(5000)], metadata: {}, etag: '"x"' });
      await expect(invoke('avatars/me.jpg')).rejects.toThrow(/1 of 1 uploads failed/);
      expect(deletedKeys()).toEqual([]);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('skips an undecodable key without failing the rest of the batch', async () => {
      upload(PHOTO_ID);
      await expect(handler(s3Event('uploads/%E0%A4%A', keyOf(PHOTO_ID)), lambdaContext())).resolves.toEqual({ created: 1, alreadyRecorded: 0, duplicateContent: 0, rejected: 0, gone: 0, deleted: 0 });
      expect(photoPuts()).toHaveLength(1);
      expect(decodeS3Key('uploads/%E0%A4%A')).toBeNull();
    });
  });
});

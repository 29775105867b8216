// A fresh upload for every processing run the bench measures, so that each run does the whole
// work: HeadObject, GET + SHA-256 of every byte, decode and renditions, the accept transaction,
// the publish copy and rendition PUTs, the ready stamp. An upload once processed stays processed
// (its upload accepted, its bytes claimed, its totals counted): running it again is a no-op, and
// the same bytes under a new photoId are a duplicate while the first photo holds them.
//
// So each run gets an upload of its own: initiated through the HTTP API (initiate-upload records
// the pending upload and signs its PUT), its object a copy of bytes staged once, carrying the
// metadata and headers the API signed. The object goes into a bucket of the bench's own, which the
// child's PHOTOS_BUCKET_NAME names: in the stack's bucket, the stack's own S3 trigger would process
// every object created under uploads/ as well, racing the child. After the run the photo is
// deleted through the store port (its record, hash claim and totals), so the next run of the same
// bytes is a first one again, and its objects are deleted.
import { createHash, randomUUID } from 'node:crypto';
import { CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PhotoRepository, createDocumentClient, createS3Client } from '@event-photos/aws';
import { uploadObjectKey, type Photo } from '@event-photos/core';
import { localResourcesOf, type LocalStackOutputs } from '@event-photos/local-stack';
import { s3Event } from '@event-photos/testing';
import { initiateUpload } from './upload.ts';

/** The bench's own bucket: no trigger of the stack listens to it. */
export const PROCESSING_BUCKET = 'bench-processing';

/** Bytes kept in the bench's bucket, outside the uploads area: what each run's upload is a copy of. */
export interface StagedPhoto {
  bucket: string;
  key: string;
  title: string;
  size: number;
  /** Of every byte: the record's must be this, computed by processing (the uploads declare none). */
  sha256: string;
}

/** One run's upload: initiated through the API, its object in the bench's bucket. */
export interface FreshUpload {
  staged: StagedPhoto;
  photoId: string;
  key: string;
  /** The S3 event of its object, as the trigger would get it. */
  event: unknown;
}

export interface FreshUploads {
  /** The function's environment, reading and writing objects in the bench's bucket. */
  environment(functionEnvironment: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  stage(bytes: Uint8Array, title: string): Promise<StagedPhoto>;
  /** A pending upload of `staged`'s bytes under a new photoId, never processed. */
  next(staged: StagedPhoto): Promise<FreshUpload>;
  /**
   * Throws unless a run (whose log is `output`) did the whole work for `upload`: it logged the
   * photo ready, the photo is ready (getPhoto) with the staged bytes' size and SHA-256, its upload
   * is accepted and every object it names is published. The photo record, read back.
   */
  check(upload: FreshUpload, output: string, label: string): Promise<Photo>;
  /** Deletes the upload's photo through the store port (record, hash claim, totals) and its objects. */
  release(upload: FreshUpload): Promise<void>;
  close(): void;
}

/** The headers initiate-upload signs without a declared SHA-256 (bench/upload.ts's uploads declare none). */
const SIGNED_HEADERS = new Set(['content-type', 'content-length', 'cache-control', 'if-none-match']);

export async function freshUploads(outputs: LocalStackOutputs, attendeeToken: string): Promise<FreshUploads> {
  const { credentials } = localResourcesOf(outputs);
  const s3 = createS3Client({ endpoint: outputs.s3Endpoint, region: outputs.region, credentials, forcePathStyle: true });
  const documents = createDocumentClient({ endpoint: outputs.dynamodbEndpoint, region: outputs.region, credentials });
  const repository = new PhotoRepository(documents, outputs.tableName);
  const eventId = outputs.demoEventId;
  const uploaderId = (JSON.parse(Buffer.from(attendeeToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
  const Bucket = PROCESSING_BUCKET;
  await s3.send(new CreateBucketCommand({ Bucket }));
  const objectExists = (Key: string) =>
    s3.send(new HeadObjectCommand({ Bucket, Key })).then(
      () => true,
      () => false,
    );
  return {
    environment: (functionEnvironment) => ({ ...functionEnvironment, PHOTOS_BUCKET_NAME: Bucket }),
    async stage(bytes, title) {
      const key = `staged/${randomUUID()}.jpg`;
      await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }));
      return { bucket: Bucket, key, title, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    },
    async next(staged) {
      const initiated = await initiateUpload(outputs.apiUrl, attendeeToken, eventId, { title: staged.title, size: staged.size });
      const headers = Object.fromEntries(Object.entries(initiated.headers).map(([name, value]) => [name.toLowerCase(), value]));
      const unknown = Object.keys(headers).filter((name) => !SIGNED_HEADERS.has(name));
      if (unknown.length > 0)
        throw new Error(`initiate-upload signed ${unknown.join(', ')}, which bench/fresh-uploads.ts does not put on the object`);
      // The metadata is in the signed URL's query string (SigV4 hoists x-amz-* headers there).
      const metadata = Object.fromEntries(
        [...new URL(initiated.s3PutObjectUrl).searchParams]
          .filter(([name]) => name.toLowerCase().startsWith('x-amz-meta-'))
          .map(([name, value]) => [name.slice('x-amz-meta-'.length).toLowerCase(), value]),
      );
      const key = uploadObjectKey(eventId, initiated.photoId, 'image/jpeg');
      const copied = await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: key,
          CopySource: `${Bucket}/${staged.key}`,
          MetadataDirective: 'REPLACE',
          Metadata: metadata,
          ContentType: headers['content-type'],
          CacheControl: headers['cache-control'],
        }),
      );
      const eTag = copied.CopyObjectResult?.ETag ?? '';
      return {
        staged,
        photoId: initiated.photoId,
        key,
        event: s3Event({ region: outputs.region, bucket: Bucket, key, size: staged.size, eTag }),
      };
    },
    async check({ staged, photoId }, output, label) {
      const fail = (what: string) => new Error(`${label}: ${what} (photo ${photoId})\n${output}`);
      const logged = output.split('\n').some((line) => line.includes('"message":"Photo ready"') && line.includes(`"photoId":"${photoId}"`));
      if (!logged) throw fail('process-uploaded-photo did not log the photo ready');
      const [photo, upload] = await Promise.all([repository.getPhoto(eventId, photoId), repository.getUpload(eventId, photoId)]);
      if (!photo || photo.sha256 !== staged.sha256 || photo.size !== staged.size)
        throw fail(`the photo is not ready with the uploaded bytes' size and SHA-256: ${JSON.stringify(photo)}`);
      if (upload?.status !== 'accepted') throw fail(`the upload is not accepted: ${JSON.stringify(upload)}`);
      const published = await Promise.all(photo.objectKeys.map(objectExists));
      if (published.includes(false)) throw fail(`not every object is published: ${photo.objectKeys.join(', ')}`);
      return photo;
    },
    async release({ photoId, key }) {
      const photo = await repository.deletePhoto(eventId, photoId, uploaderId);
      await Promise.all([key, ...(photo?.objectKeys ?? [])].map((Key) => s3.send(new DeleteObjectCommand({ Bucket, Key }))));
    },
    close() {
      documents.destroy();
      s3.destroy();
    },
  };
}

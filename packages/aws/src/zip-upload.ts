import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

// A stream of bytes of unknown length into one S3 object, with S3's multipart upload: parts of a
// fixed size, a few in flight, so memory is (partsInFlight + 1) x partSize whatever the object's
// size. The object exists only once CompleteMultipartUpload has answered; abort() drops the parts
// (the bucket's lifecycle rule AbortIncompleteMultipartUploads drops any an abort never reached).

export interface ZipUploadTarget {
  bucket: string;
  key: string;
  contentType: string;
  contentDisposition: string;
}

export interface ZipUploadOptions {
  /** S3 takes parts of 5 MiB to 5 GiB but the last, and 10,000 parts: 16 MiB parts make objects up to 156 GiB. */
  partSize?: number;
  /** Parts uploaded at once; one more fills meanwhile. */
  partsInFlight?: number;
  signal?: AbortSignal;
}

const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
const MAX_PARTS = 10_000;

export class ZipUpload {
  /** Bytes written so far. */
  bytes = 0;
  /** The part being filled; made when the first byte of it arrives. */
  private part: Buffer | undefined;
  private filled = 0;
  private sent = 0;
  private readonly parts: Array<{ PartNumber: number; ETag: string }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  private constructor(
    private readonly s3: S3Client,
    private readonly target: ZipUploadTarget,
    private readonly uploadId: string,
    private readonly partSize: number,
    private readonly partsInFlight: number,
    private readonly signal: AbortSignal,
  ) {}

  /** CreateMultipartUpload: the object's headers are given here, once. */
  static async start(
    s3: S3Client,
    target: ZipUploadTarget,
    { partSize = 16 * MiB, partsInFlight = 3, signal = new AbortController().signal }: ZipUploadOptions = {},
  ) {
    if (partSize < MIN_PART_SIZE) throw new Error(`Parts must be at least ${MIN_PART_SIZE} bytes`);
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        ContentType: target.contentType,
        ContentDisposition: target.contentDisposition,
      }),
      { abortSignal: signal },
    );
    return new ZipUpload(s3, target, UploadId!, partSize, partsInFlight, signal);
  }

  /** Copies `chunk` into the part being filled; waits while partsInFlight parts are uploading (backpressure). */
  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      this.part ??= Buffer.allocUnsafe(this.partSize);
      const copied = Buffer.from(chunk.buffer, chunk.byteOffset + offset, chunk.length - offset).copy(this.part, this.filled);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.partSize) await this.sendPart();
    }
    this.bytes += chunk.length;
  }

  /** Sends the last part (it may be small) and completes the object: it exists from here on. */
  async complete(): Promise<void> {
    if (this.filled > 0 || this.sent === 0) await this.sendPart();
    await this.drain();
    const parts = this.parts.toSorted((a, b) => a.PartNumber - b.PartNumber);
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: parts },
      }),
      { abortSignal: this.signal },
    );
  }

  /** Drops every part sent: nothing is left (not even on a signal that has fired: the abort is sent without it). */
  async abort(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId: this.uploadId }));
  }

  private async sendPart(): Promise<void> {
    if (this.failure) throw this.failure;
    const partNumber = ++this.sent;
    if (partNumber > MAX_PARTS) throw new Error(`The object would need more than ${MAX_PARTS} parts of ${this.partSize} bytes`);
    const body = (this.part ?? Buffer.alloc(0)).subarray(0, this.filled);
    this.part = undefined;
    this.filled = 0;
    const upload = this.s3
      .send(
        new UploadPartCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
        }),
        { abortSignal: this.signal },
      )
      .then(({ ETag }) => void this.parts.push({ PartNumber: partNumber, ETag: ETag! }))
      .catch((error: unknown) => void (this.failure ??= error))
      .finally(() => this.inFlight.delete(upload));
    this.inFlight.add(upload);
    while (this.inFlight.size >= this.partsInFlight) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
    if (this.failure) throw this.failure;
  }
}

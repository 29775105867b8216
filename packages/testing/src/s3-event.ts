import type { S3Event, S3EventRecord } from 'aws-lambda';

export interface S3RecordInput {
  /** The key as stored; the record carries it encoded the way S3 encodes it. */
  key?: string;
  /** The key exactly as the record carries it (to test odd encodings); wins over `key`. */
  encodedKey?: string;
  bucket: string;
  size?: number;
  eTag?: string;
  region?: string;
  eventName?: string;
  eventTime?: Date;
  sequencer?: string;
}

/** S3 encodes keys in notifications like a form value: '+' for space, %XX for the rest. */
export function encodeKeyForEvent(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

/** One S3 event notification record, as S3 delivers it to Lambda. */
export function s3Record(input: S3RecordInput): S3EventRecord {
  const { bucket, region = 'us-east-1' } = input;
  const time = input.eventTime ?? new Date();
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: time.toISOString(),
    eventName: input.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local',
      bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: input.encodedKey ?? encodeKeyForEvent(input.key ?? ''),
        size: input.size ?? 0,
        eTag: (input.eTag ?? '00000000000000000000000000000000').replace(/"/g, ''),
        sequencer: input.sequencer ?? time.getTime().toString(16).toUpperCase().padStart(16, '0'),
      },
    },
  };
}

export function s3Event(...records: S3RecordInput[]): S3Event {
  return { Records: records.map(s3Record) };
}

import { beforeEach, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { HeadObjectCommand, ListObjectsV2Command, NotFound, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { lambdaContext } from '../test-support/events';
import { handler } from './reconcile-uploads';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);

const id = (n: number) => `01890a5d-ac96-774b-bcce-b3020999${String(n).padStart(4, '0')}`;
const keyOf = (n: number) => `uploads/event_demo/${id(n)}.jpg`;

beforeEach(() => {
  s3.reset();
  ddb.reset();
});

it('walks every page of uploads/ and reports what each object came to, failures included', async () => {
  s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
    IsTruncated: true,
    NextContinuationToken: 'page-2',
    Contents: [{ Key: keyOf(1) }, { Key: keyOf(2) }],
  });
  s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }).resolves({ IsTruncated: false, Contents: [{ Key: keyOf(3) }] });
  // 1 already has its photo; 2 is gone by the time it is looked at; 3 hits a DynamoDB failure.
  ddb.on(GetCommand, { Key: { pk: 'EVENT#demo', sk: `PHOTO#${id(1)}` } }).resolves({ Item: { pk: 'EVENT#demo', sk: `PHOTO#${id(1)}`, photoId: id(1) } });
  ddb.on(GetCommand, { Key: { pk: 'EVENT#demo', sk: `PHOTO#${id(2)}` } }).resolves({});
  ddb.on(GetCommand, { Key: { pk: 'EVENT#demo', sk: `PHOTO#${id(3)}` } }).rejects(new Error('throttled'));
  s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

  const report = await handler({}, lambdaContext('reconcile-uploads'));

  expect(report).toEqual({ objects: 3, created: 0, alreadyRecorded: 1, duplicateContent: 0, rejected: 0, gone: 1, deleted: 0, failed: 1 });
  expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
    { Bucket: 'photos-bucket-test', Prefix: 'uploads/', ContinuationToken: undefined },
    { Bucket: 'photos-bucket-test', Prefix: 'uploads/', ContinuationToken: 'page-2' },
  ]);
  expect(s3.commandCalls(HeadObjectCommand).map((call) => call.args[0].input.Key)).toEqual([keyOf(2)]);
});

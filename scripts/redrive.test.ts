// The deployed path of `npm run redrive`: the SQS and Lambda clients mocked (there is no local
// SQS); the local path runs for real in redrive.integration.test.ts.
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it, vi } from 'vitest';
import { redriveQueue } from './redrive.ts';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/failures';
const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:event-photos-api-prod-processUploadedPhoto:$LATEST';
const s3Event = (key: string) => ({ Records: [{ s3: { object: { key } } }] });
// Lambda's on-failure record, as the destination sends it.
const record = (key: string) =>
  JSON.stringify({
    version: '1.0',
    requestContext: { functionArn: FUNCTION, condition: 'RetriesExhausted' },
    requestPayload: s3Event(key),
  });

beforeEach(() => {
  sqs.reset();
  lambda.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

it('invokes the function with each record payload, deletes what succeeded and leaves what failed again', async () => {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: [
        { MessageId: 'a', ReceiptHandle: 'ra', Body: record('uploads/a.jpg') },
        { MessageId: 'b', ReceiptHandle: 'rb', Body: record('uploads/b.jpg') },
      ],
    })
    .resolvesOnce({ Messages: [{ MessageId: 'c', ReceiptHandle: 'rc', Body: '{"not":"a record"}' }] })
    .resolves({});
  lambda
    .on(InvokeCommand, { Payload: JSON.stringify(s3Event('uploads/a.jpg')) })
    .resolves({ StatusCode: 200 })
    .on(InvokeCommand, { Payload: JSON.stringify(s3Event('uploads/b.jpg')) })
    .resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"still down"}') as NonNullable<InvokeCommandOutput['Payload']>,
    });

  const report = await redriveQueue(new SQSClient({ region: 'eu-west-1' }), new LambdaClient({ region: 'eu-west-1' }), QUEUE);

  expect(report).toEqual({ replayed: 3, succeeded: 1, failed: 2 });
  expect(lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input)).toEqual([
    { FunctionName: FUNCTION, InvocationType: 'RequestResponse', Payload: JSON.stringify(s3Event('uploads/a.jpg')) },
    { FunctionName: FUNCTION, InvocationType: 'RequestResponse', Payload: JSON.stringify(s3Event('uploads/b.jpg')) },
  ]);
  expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([{ QueueUrl: QUEUE, ReceiptHandle: 'ra' }]);
  // Hidden longer than processing's 60 s timeout: a failed one does not come back in this run.
  expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
    QueueUrl: QUEUE,
    VisibilityTimeout: 900,
    MaxNumberOfMessages: 10,
  });
});

// `npm run redrive`: replays the S3 events that failed processing after every retry through the
// function they were meant for, and removes each one that now succeeds; the ones that fail again
// stay where they were, for the next redrive.
//
//   npm run redrive                                  # the local stack's .local/failed-events.jsonl
//   npm run redrive -- --queue-url <url> --region <region>    # the deployed on-failure SQS queue
//
// On AWS the queue's messages are Lambda's on-failure records (`requestContext.functionArn`,
// `requestPayload` = the S3 event); each is invoked synchronously (RequestResponse) and deleted
// only if the function succeeded. Processing is idempotent, so a replay of an event that was
// processed meanwhile (by reconcile, or a redelivery) changes nothing.
import { rename, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { REPO_ROOT, localResourcesOf, prepareLocalFunctions, startLocalFunctions, type LocalStackOutputs } from '@event-photos/local-stack';

export interface RedriveReport {
  replayed: number;
  succeeded: number;
  failed: number;
}

/** Invokes `functionName` with `event`; rejects when the function failed. */
export type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

interface FailedEventLine {
  functionName: string;
  event: unknown;
}

/**
 * The local stack's stand-in for the queue: one JSON line per failed event (s3-notifications).
 * Lines whose replay fails are written back, others are dropped; the file is replaced at once
 * (write, then rename), so a crash mid-way leaves the old file whole.
 */
export async function redriveLocalFile(file: string, invoke: Invoke): Promise<RedriveReport> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const report: RedriveReport = { replayed: 0, succeeded: 0, failed: 0 };
  const kept: string[] = [];
  for (const line of lines) {
    const { functionName, event } = JSON.parse(line) as FailedEventLine;
    report.replayed++;
    try {
      await invoke(functionName, event);
      report.succeeded++;
    } catch (error) {
      report.failed++;
      kept.push(line);
      console.error(`${functionName} failed again: ${String(error)}`);
    }
  }
  if (lines.length > 0) {
    await writeFile(`${file}.redrive`, kept.map((line) => `${line}\n`).join(''));
    await rename(`${file}.redrive`, file);
  }
  return report;
}

/**
 * The deployed on-failure queue. A message being replayed is hidden for `visibilitySeconds`
 * (longer than processing's 60 s timeout), so one that fails again does not come back during
 * this run; it reappears afterwards, for the next redrive.
 */
export async function redriveQueue(
  sqs: SQSClient,
  lambda: LambdaClient,
  queueUrl: string,
  visibilitySeconds = 900,
): Promise<RedriveReport> {
  const report: RedriveReport = { replayed: 0, succeeded: 0, failed: 0 };
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: visibilitySeconds, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return report;
    for (const message of Messages) {
      const record = JSON.parse(message.Body ?? '{}') as { requestContext?: { functionArn?: string }; requestPayload?: unknown };
      const functionArn = record.requestContext?.functionArn;
      report.replayed++;
      if (!functionArn || record.requestPayload === undefined) {
        report.failed++;
        console.error(`message ${message.MessageId} is not a Lambda on-failure record: left in the queue`);
        continue;
      }
      const result = await lambda.send(
        new InvokeCommand({ FunctionName: functionArn, InvocationType: 'RequestResponse', Payload: JSON.stringify(record.requestPayload) }),
      );
      if (result.FunctionError) {
        report.failed++;
        console.error(
          `${functionArn} failed again (${result.FunctionError}): ${Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8')}`,
        );
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      report.succeeded++;
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'queue-url': { type: 'string' }, region: { type: 'string' } } });
  let report: RedriveReport;
  if (values['queue-url']) {
    const region = values.region ?? process.env['AWS_REGION'];
    if (!region) throw new Error('--region (or AWS_REGION) is needed with --queue-url');
    const sqs = new SQSClient({ region });
    const lambda = new LambdaClient({ region });
    try {
      report = await redriveQueue(sqs, lambda, values['queue-url']);
    } finally {
      sqs.destroy();
      lambda.destroy();
    }
  } else {
    const dataDir = path.resolve(process.env['LOCAL_DATA_DIR'] ?? path.join(REPO_ROOT, '.local'));
    const outputs = JSON.parse(
      await readFile(path.join(dataDir, 'outputs.json'), 'utf8').catch(() => {
        throw new Error(`${path.join(dataDir, 'outputs.json')} not found: start the local stack first (npm start)`);
      }),
    ) as LocalStackOutputs;
    const functions = await startLocalFunctions({ prepared: prepareLocalFunctions(REPO_ROOT), local: localResourcesOf(outputs) });
    try {
      report = await redriveLocalFile(path.join(dataDir, 'failed-events.jsonl'), functions.invoke);
    } finally {
      await functions.close();
    }
  }
  console.log(JSON.stringify(report));
  // A replay that failed again leaves work to do: say so in the exit code, for scripts.
  if (report.failed > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

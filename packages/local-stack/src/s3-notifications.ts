import type { S3Event, S3EventRecord } from 'aws-lambda';
import { s3Record } from '@event-photos/testing';
import type { Invoke } from '#lib/lambda-runtime';
import type { S3Trigger } from '#lib/serverless-functions';

export interface S3NotificationOptions {
  region: string;
  /** The functions serverless.yml subscribes, with their bucket evaluated. */
  triggers: Array<S3Trigger & { bucket: string }>;
  invoke: Invoke;
  log(line: Record<string, unknown>): void;
  /** Lambda's asynchronous invocation retries (AWS: 2). */
  retryDelaysMs?: number[];
  /** Where an event goes after its last retry failed (AWS: the on-failure destination). */
  onFailure(functionName: string, event: S3Event, error: unknown): Promise<void>;
}

function matches(trigger: S3Trigger & { bucket: string }, record: S3EventRecord): boolean {
  const eventName = `s3:${record.eventName}`;
  const key = record.s3.object.key;
  const nameMatches = trigger.events.some((pattern) =>
    pattern.endsWith('*') ? eventName.startsWith(pattern.slice(0, -1)) : eventName === pattern,
  );
  return nameMatches && record.s3.bucket.name === trigger.bucket && key.startsWith(trigger.prefix) && key.endsWith(trigger.suffix);
}

/**
 * Delivers the emulator's S3 events to the functions serverless.yml subscribes, the way S3 and
 * Lambda do: AWS-shaped records with encoded keys, asynchronous invocation, retries on failure.
 */
export type S3Notifications = ReturnType<typeof createS3Notifications>;

export function createS3Notifications(options: S3NotificationOptions) {
  const inFlight = new Set<Promise<void>>();
  const retryDelays = options.retryDelaysMs ?? [1000, 2000];

  async function invoke(trigger: S3Trigger, event: S3Event): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await options.invoke(trigger.functionName, event);
        options.log({
          message: 'S3 event delivered',
          function: trigger.functionName,
          attempt: attempt + 1,
          keys: event.Records.map((record) => record.s3.object.key),
          result,
        });
        return;
      } catch (error) {
        const delay = retryDelays[attempt];
        options.log({
          level: 'warn',
          message: 'S3 event handler failed',
          function: trigger.functionName,
          attempt: attempt + 1,
          error: String(error),
        });
        if (delay === undefined) {
          options.log({
            level: 'error',
            message: 'S3 event sent to the on-failure destination',
            function: trigger.functionName,
            keys: event.Records.map((record) => record.s3.object.key),
          });
          await options.onFailure(trigger.functionName, event, error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    /** Called with each event the S3 emulator emits (raw keys): re-built as S3 sends them. */
    publish(event: S3Event): void {
      for (const trigger of options.triggers) {
        const records = event.Records.filter((record) => matches(trigger, record)).map((record) =>
          s3Record({
            key: record.s3.object.key,
            bucket: record.s3.bucket.name,
            size: record.s3.object.size,
            eTag: record.s3.object.eTag,
            eventName: record.eventName,
            ...(record.eventTime ? { eventTime: new Date(record.eventTime) } : {}),
            region: options.region,
          }),
        );
        if (records.length === 0) continue;
        const delivery = invoke(trigger, { Records: records }).finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
    },
    /** Resolves when every delivery so far has finished (tests, shutdown). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

import type { S3Event, S3EventRecord } from 'aws-lambda';
import type { Invoke, S3Trigger } from '#lib/serverless-functions';

export interface S3NotificationOptions {
  region: string;
  triggers: S3Trigger[];
  invoke: Invoke;
  log(line: Record<string, unknown>): void;
  /** Lambda's asynchronous invocation retries (AWS: 2). */
  retryDelaysMs?: number[];
  /** Where an event goes after its last retry failed (AWS: the on-failure destination). */
  onFailure(functionName: string, event: S3Event, error: unknown): Promise<void>;
}

/** S3 encodes keys in notifications like a form value: '+' for space, %XX for the rest. */
export function encodeKeyForEvent(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');
}

function matches(trigger: S3Trigger, record: S3EventRecord): boolean {
  const eventName = `s3:${record.eventName}`;
  const key = record.s3.object.key;
  const nameMatches = trigger.events.some((pattern) =>
    pattern.endsWith('*') ? eventName.startsWith(pattern.slice(0, -1)) : eventName === pattern,
  );
  return nameMatches && key.startsWith(trigger.prefix) && key.endsWith(trigger.suffix);
}

/**
 * Delivers the emulator's S3 events to the functions serverless.yml subscribes, the way S3 and
 * Lambda do: AWS-shaped records with encoded keys, asynchronous invocation, retries on failure.
 */
export function createS3Notifications(options: S3NotificationOptions) {
  const inFlight = new Set<Promise<void>>();
  const retryDelays = options.retryDelaysMs ?? [1000, 2000];

  async function invoke(trigger: S3Trigger, event: S3Event): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await options.invoke(trigger.functionName, event);
        return;
      } catch (error) {
        const delay = retryDelays[attempt];
        options.log({ level: 'warn', message: 'S3 event handler failed', function: trigger.functionName, attempt: attempt + 1, error: String(error) });
        if (delay === undefined) {
          options.log({ level: 'error', message: 'S3 event sent to the on-failure destination', function: trigger.functionName, keys: event.Records.map((record) => record.s3.object.key) });
          await options.onFailure(trigger.functionName, event, error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    /** Called with each event record the S3 emulator emits (raw keys). */
    publish(event: S3Event): void {
      for (const trigger of options.triggers) {
        const records = event.Records.filter((record) => matches(trigger, record)).map((record) => ({
          ...record,
          awsRegion: options.region,
          s3: { ...record.s3, object: { ...record.s3.object, key: encodeKeyForEvent(record.s3.object.key) } },
        }));
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

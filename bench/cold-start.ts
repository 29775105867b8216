// One cold start of a handler bundle: a fresh child on a realistic event against the harness's
// stack, its answer checked. The events' objects are uploaded once, when the starter is made; the
// ones processed are uploaded afresh for each child (Harness.processInChild).
import { randomBytes } from 'node:crypto';
import { jpegBytes } from '@event-photos/testing/fixtures';
import type { BundleResult } from './bundle.ts';
import type { CpuGroup } from './cpu-share.ts';
import type { StagedPhoto } from './fresh-uploads.ts';
import type { FunctionUnderTest } from './functions.ts';
import type { Harness, UploadedPhoto } from './harness.ts';
import type { ChildRun } from './spawn-child.ts';

/** The "photo" of get-photo's and process-uploaded-photo's events: a typical camera JPEG's size (a 1x1 JPEG padded). */
export const PHOTO_BYTES = 3 * 1024 * 1024;
/** Warm invocations per child at a CPU share: single ones vary a lot with the emulators' load. */
export const WARM_INVOCATIONS = 3;

export type ColdStart = (
  fn: FunctionUnderTest,
  bundle: BundleResult,
  label: string,
  round: number,
  /** `warm`: WARM_INVOCATIONS more invocations (other events of the same kind) in the same process. */
  options?: { cpuGroup?: CpuGroup | undefined; warm?: boolean },
) => Promise<ChildRun>;

export async function coldStarter(harness: Harness): Promise<ColdStart> {
  const toGet = await harness.upload(jpegBytes(PHOTO_BYTES), 'Keynote');
  const toProcess = await harness.stage(jpegBytes(PHOTO_BYTES), 'Opening');
  // The warm invocations process more objects in the same child, a fresh one each: bytes of their
  // own (the same bytes again would be a duplicate, which processing skips).
  const toProcessWarm: StagedPhoto[] = [];
  for (let i = 1; i <= WARM_INVOCATIONS; i++) toProcessWarm.push(await harness.stage(jpegBytes(PHOTO_BYTES), `Opening, take ${i + 1}`));
  const eventFor = httpEvents(harness, toGet);
  return async (fn, bundle, label, round, { cpuGroup, warm = false } = {}) => {
    if (fn.expected === 'record')
      return harness.processInChild(bundle, toProcess, label, { cpuGroup, ...(warm ? { warm: toProcessWarm } : {}) });
    const warmEvents = warm ? Array.from({ length: WARM_INVOCATIONS }, () => eventFor(fn.name, round)) : undefined;
    const run = await harness.runHandlerChild(bundle, eventFor(fn.name, round), label, { cpuGroup, warmEvents });
    const report = run.report!;
    const statuses = [['first', report.statusCode], ...(report.warmStatusCodes ?? []).map((status) => ['warm', status])] as const;
    if (statuses.length !== 1 + (warmEvents?.length ?? 0))
      throw new Error(`${label}: ${statuses.length - 1} warm invocations reported, ${warmEvents?.length ?? 0} asked for`);
    for (const [which, status] of statuses) {
      if (status !== fn.expected)
        throw new Error(`${label}: expected status ${fn.expected} from the ${which} invocation, got ${status}: ${report.body}`);
    }
    return run;
  };
}

/** The event of each HTTP route: what the web app sends, as API Gateway passes it on. */
function httpEvents(harness: Harness, toGet: UploadedPhoto): (name: string, round: number) => unknown {
  const eventId = harness.outputs.demoEventId;
  const { attendee, organizer } = harness.tokens;
  return (name, round) => {
    switch (name) {
      case 'initiate-upload':
        return harness.httpEvent({
          method: 'POST',
          route: '/events/{eventId}/photos/initiate-upload',
          pathParameters: { eventId },
          body: { title: 'Closing keynote', description: 'Main stage, day 2', contentType: 'image/jpeg', size: PHOTO_BYTES },
          token: attendee,
        });
      case 'list-photos':
        return harness.httpEvent({
          method: 'GET',
          route: '/events/{eventId}/photos',
          pathParameters: { eventId },
          queryStringParameters: { limit: '20' },
          token: attendee,
        });
      case 'get-photo':
        return harness.httpEvent({
          method: 'GET',
          route: '/events/{eventId}/photos/{photoId}',
          pathParameters: { eventId, photoId: toGet.photoId },
          token: attendee,
        });
      case 'create-event':
        return harness.httpEvent({
          method: 'POST',
          route: '/events',
          body: { eventId: `bench-${round}-${randomBytes(4).toString('hex')}`, name: 'Bench Summit' },
          token: organizer,
        });
      default:
        throw new Error(`no HTTP event for ${name}`);
    }
  };
}

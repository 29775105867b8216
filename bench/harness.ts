// The local stack of the cold-start and max-upload sections, and what runs a handler bundle against
// it in a fresh child process (bench/child.mjs), checking its answer.
//
// Objects go through the real flow (initiate-upload, then a PUT to the presigned URL) rather than a
// direct PutObject, so the object, its signed metadata and the pending-upload record are exactly
// what a client leaves behind; the photos processed in children get a fresh upload each run
// (bench/fresh-uploads.ts). Every child gets the deploy's environment, MAX_UPLOAD_BYTES included.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Photo } from '@event-photos/core';
import { startLocalStack, type LocalStackOutputs } from '@event-photos/local-stack';
import { claimsOfToken, httpApiEvent, type HttpApiEventInput } from '@event-photos/testing';
import type { BundleResult } from './bundle.ts';
import type { CpuGroup } from './cpu-share.ts';
import { freshUploads, type FreshUpload, type FreshUploads, type StagedPhoto } from './fresh-uploads.ts';
import { functionNamed } from './functions.ts';
import { idTokenOf } from './sign-in.ts';
import { CHILD_SCRIPT, runChild, type ChildRun } from './spawn-child.ts';
import { raiseQuotas, uploadThroughApi, type Uploaded } from './upload.ts';

/** An object uploaded through the API and processed once by the stack's own trigger. */
export interface UploadedPhoto extends Uploaded {
  size: number;
  sha256: string;
}

/** How a child runs: at a Lambda CPU share in its group, and with invocations after the first. */
export interface ChildOptions {
  cpuGroup?: CpuGroup | undefined;
  warmEvents?: unknown[] | undefined;
  /** The child's environment, if not its function's (Harness.envOf). */
  env?: NodeJS.ProcessEnv | undefined;
}

/** A processing child's run, and the photo record each of its uploads got (the first's, then the warm ones'), checked. */
export interface ProcessedRun extends ChildRun {
  photos: Photo[];
}

export interface Harness {
  outputs: LocalStackOutputs;
  /** What the stack gives processUploadedPhoto (endpoints, serverless.yml's environment), the deploy's log level. */
  childEnv: NodeJS.ProcessEnv;
  /** The same for the function of a bundle (bench/functions.ts's name): each function has its own (createEvent its USER_POOL_ID). */
  envOf(bundleName: string): NodeJS.ProcessEnv;
  maxUploadBytes: number;
  tokens: { attendee: string; organizer: string };
  /** Uploads as the attendee and waits until the stack's own S3 trigger has processed it. */
  upload(bytes: Uint8Array<ArrayBuffer>, title: string): Promise<UploadedPhoto>;
  /** Keeps bytes for processInChild, which uploads them afresh each run (bench/fresh-uploads.ts). */
  stage(bytes: Uint8Array, title: string): Promise<StagedPhoto>;
  /** An HTTP API event as API Gateway sends it after its JWT authorizer verified `token`. */
  httpEvent(input: HttpApiEventInput & { token: string }): unknown;
  /** Runs `bundle` in a fresh child on `event`; throws unless the child reports a settled handler. */
  runHandlerChild(bundle: BundleResult, event: unknown, label: string, options?: ChildOptions): Promise<ChildRun>;
  /**
   * Runs the S3 handler in a fresh child on a fresh upload of `photo` (and of each of `warm`, one
   * warm invocation each), so every run does the whole work, and checks that it did (FreshUploads'
   * check). The photos are deleted afterwards, so the same bytes can be processed again.
   */
  processInChild(
    bundle: BundleResult,
    photo: StagedPhoto,
    label: string,
    options?: { cpuGroup?: CpuGroup | undefined; warm?: StagedPhoto[] },
  ): Promise<ProcessedRun>;
  stop(): Promise<void>;
}

// The emulators serve the children from this process. A full GC here before each child keeps this
// process's garbage collection (it holds the large test objects) out of the measured window, and
// keeps it small when fork() copies it for the next child.
let gc: (() => void) | undefined;
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

export async function startHarness(workDir: string): Promise<Harness> {
  const stack = await startLocalStack({ dataDir: path.join(workDir, 'stack'), environment: { POWERTOOLS_LOG_LEVEL: 'SILENT' } });
  try {
    const { outputs } = stack;
    const tokens = { attendee: await idTokenOf(outputs, 'attendee'), organizer: await idTokenOf(outputs, 'organizer') };
    await raiseQuotas(outputs.apiUrl, tokens.organizer, outputs.demoEventId);
    const envOf = (bundleName: string): NodeJS.ProcessEnv => ({
      ...stack.functionEnvironment(functionNamed(bundleName).serverlessName),
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    const childEnv = envOf('process-uploaded-photo');
    const runHandlerChild = handlerChildRunner(path.join(workDir, 'events'), envOf);
    const uploads = await freshUploads(outputs, tokens.attendee);
    return {
      outputs,
      childEnv,
      envOf,
      maxUploadBytes: Number(childEnv['MAX_UPLOAD_BYTES']),
      tokens,
      upload: async (bytes, title) => {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const uploaded = await uploadThroughApi(outputs.apiUrl, tokens.attendee, outputs.demoEventId, bytes, { title });
        await stack.notifications.idle();
        return { ...uploaded, size: bytes.length, sha256 };
      },
      stage: uploads.stage,
      httpEvent: httpEventOf,
      runHandlerChild,
      processInChild: s3ChildRunner(uploads, runHandlerChild, uploads.environment(childEnv)),
      stop: async () => {
        uploads.close();
        await stack.stop();
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

function httpEventOf({ token, ...input }: HttpApiEventInput & { token: string }): unknown {
  return httpApiEvent({
    ...input,
    headers: {
      authorization: `Bearer ${token}`,
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0 (bench)',
      ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    claims: claimsOfToken(token),
  });
}

/** Runs a bundle in a child: its events written to files, the function's memory in its context and its environment. */
function handlerChildRunner(eventDir: string, envOf: Harness['envOf']): Harness['runHandlerChild'] {
  let eventCounter = 0;
  const writeEvent = async (event: unknown) => {
    await mkdir(eventDir, { recursive: true });
    const eventFile = path.join(eventDir, `${++eventCounter}.json`);
    await writeFile(eventFile, JSON.stringify(event));
    return eventFile;
  };
  return async (bundle, event, label, { cpuGroup, warmEvents, env = envOf(bundle.name) } = {}) => {
    const memoryMB = cpuGroup?.memoryMB ?? functionNamed(bundle.name).memoryMB;
    const args = [CHILD_SCRIPT, bundle.file, await writeEvent(event), bundle.name, String(memoryMB)];
    if (warmEvents) args.push(await writeEvent(warmEvents));
    collectGarbage();
    const run = await runChild(args, { ...env, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB) }, cpuGroup);
    if (run.exitCode !== 0 || run.report?.kind !== 'handler') {
      throw new Error(`${label}: the child failed (exit ${run.exitCode}): ${run.report?.error ?? ''}\n${run.output}`);
    }
    if (cpuGroup && run.report.cpuCgroup !== cpuGroup.cgroupPath) {
      throw new Error(`${label}: the child ran in cpu cgroup ${run.report.cpuCgroup}, not ${cpuGroup.cgroupPath}`);
    }
    return run;
  };
}

function s3ChildRunner(
  uploads: FreshUploads,
  runHandlerChild: Harness['runHandlerChild'],
  env: NodeJS.ProcessEnv,
): Harness['processInChild'] {
  return async (bundle, photo, label, { cpuGroup, warm = [] } = {}) => {
    const fresh: FreshUpload[] = [];
    try {
      for (const staged of [photo, ...warm]) fresh.push(await uploads.next(staged));
      const [first, ...rest] = fresh;
      const run = await runHandlerChild(bundle, first!.event, label, {
        cpuGroup,
        warmEvents: rest.length ? rest.map((upload) => upload.event) : undefined,
        env,
      });
      const photos: Photo[] = [];
      for (const upload of fresh) photos.push(await uploads.check(upload, run.output, label));
      return { ...run, photos };
    } finally {
      for (const upload of fresh) await uploads.release(upload);
    }
  };
}

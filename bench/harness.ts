// The local stack of the cold-start and max-upload sections, and what runs a handler bundle against
// it in a fresh child process (bench/child.mjs), checking its answer.
//
// Objects go through the real flow (initiate-upload, then a PUT to the presigned URL) rather than a
// direct PutObject, so the object, its signed metadata and the pending-upload record are exactly
// what a client leaves behind. Every child gets the deploy's environment, MAX_UPLOAD_BYTES included.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PhotoRepository, createDocumentClient } from '@event-photos/aws';
import { localResourcesOf, startLocalStack, type LocalStackOutputs } from '@event-photos/local-stack';
import { claimsOfToken, httpApiEvent, s3Event, type HttpApiEventInput } from '@event-photos/testing';
import type { BundleResult } from './bundle.ts';
import type { CpuGroup } from './cpu-share.ts';
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
}

export interface Harness {
  outputs: LocalStackOutputs;
  /** What the stack gives processUploadedPhoto (endpoints, serverless.yml's environment), the deploy's log level. */
  childEnv: NodeJS.ProcessEnv;
  maxUploadBytes: number;
  tokens: { attendee: string; organizer: string };
  /** Uploads as the attendee and waits until the stack's own S3 trigger has processed it. */
  upload(bytes: Uint8Array<ArrayBuffer>, title: string): Promise<UploadedPhoto>;
  /** An HTTP API event as API Gateway sends it after its JWT authorizer verified `token`. */
  httpEvent(input: HttpApiEventInput & { token: string }): unknown;
  s3EventFor(photo: UploadedPhoto): unknown;
  /** Runs `bundle` in a fresh child on `event`; throws unless the child reports a settled handler. */
  runHandlerChild(bundle: BundleResult, event: unknown, label: string, options?: ChildOptions): Promise<ChildRun>;
  /**
   * Runs the S3 handler in a fresh child on `photo` (and on `warm`, one warm invocation each) and
   * checks the record it wrote. The records are deleted first, so every run does the whole work.
   */
  processInChild(
    bundle: BundleResult,
    photo: UploadedPhoto,
    label: string,
    options?: { cpuGroup?: CpuGroup | undefined; warm?: UploadedPhoto[] },
  ): Promise<ChildRun>;
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
    const functionEnv = stack.functionEnvironment('processUploadedPhoto');
    const childEnv: NodeJS.ProcessEnv = { ...functionEnv, POWERTOOLS_LOG_LEVEL: 'INFO' };
    const runHandlerChild = handlerChildRunner(path.join(workDir, 'events'), childEnv);
    const documents = createDocumentClient({
      endpoint: outputs.dynamodbEndpoint,
      region: outputs.region,
      credentials: localResourcesOf(outputs).credentials,
    });
    const s3EventFor = (photo: UploadedPhoto) =>
      s3Event({ region: outputs.region, bucket: outputs.bucketName, key: photo.key, size: photo.size, eTag: photo.etag });
    return {
      outputs,
      childEnv,
      maxUploadBytes: Number(functionEnv['MAX_UPLOAD_BYTES']),
      tokens,
      upload: async (bytes, title) => {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const uploaded = await uploadThroughApi(outputs.apiUrl, tokens.attendee, outputs.demoEventId, bytes, { title });
        await stack.notifications.idle();
        return { ...uploaded, size: bytes.length, sha256 };
      },
      httpEvent: httpEventOf,
      s3EventFor,
      runHandlerChild,
      processInChild: s3ChildRunner(outputs, documents, runHandlerChild, s3EventFor),
      stop: async () => {
        documents.destroy();
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

/** Runs a bundle in a child: its events written to files, the function's memory in its context and environment. */
function handlerChildRunner(eventDir: string, childEnv: NodeJS.ProcessEnv): Harness['runHandlerChild'] {
  let eventCounter = 0;
  const writeEvent = async (event: unknown) => {
    await mkdir(eventDir, { recursive: true });
    const eventFile = path.join(eventDir, `${++eventCounter}.json`);
    await writeFile(eventFile, JSON.stringify(event));
    return eventFile;
  };
  return async (bundle, event, label, { cpuGroup, warmEvents } = {}) => {
    const memoryMB = cpuGroup?.memoryMB ?? functionNamed(bundle.name).memoryMB;
    const args = [CHILD_SCRIPT, bundle.file, await writeEvent(event), bundle.name, String(memoryMB)];
    if (warmEvents) args.push(await writeEvent(warmEvents));
    collectGarbage();
    const run = await runChild(args, { ...childEnv, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB) }, cpuGroup);
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
  outputs: LocalStackOutputs,
  documents: DynamoDBDocumentClient,
  runHandlerChild: Harness['runHandlerChild'],
  s3EventFor: Harness['s3EventFor'],
): Harness['processInChild'] {
  const repository = new PhotoRepository(documents, outputs.tableName);
  // The photo record's key (packages/aws/src/photo-repository.ts): deleting it makes the next S3
  // event a first delivery again, so every run does the whole work (HeadObject, GET + SHA-256 of
  // every byte, decode and renditions, the writes) rather than the duplicate no-op.
  const forgetPhoto = (photoId: string) =>
    documents.send(
      new DeleteCommand({ TableName: outputs.tableName, Key: { pk: `EVENT#${outputs.demoEventId}`, sk: `PHOTO#${photoId}` } }),
    );
  return async (bundle, photo, label, { cpuGroup, warm = [] } = {}) => {
    const objects = [photo, ...warm];
    for (const object of objects) await forgetPhoto(object.photoId);
    const run = await runHandlerChild(bundle, s3EventFor(photo), label, {
      cpuGroup,
      warmEvents: warm.length ? warm.map(s3EventFor) : undefined,
    });
    for (const object of objects) {
      const record = await repository.getPhoto(outputs.demoEventId, object.photoId);
      if (!record || record.sha256 !== object.sha256 || record.size !== object.size) {
        throw new Error(`${label}: process-uploaded-photo did not write the expected record: ${JSON.stringify(record)}\n${run.output}`);
      }
    }
    return run;
  };
}

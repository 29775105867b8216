import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cdnSignerFromEnv, type CdnSigner } from '@event-photos/aws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localCdnSigner } from '#lib/cdn-signing-key';
import { startLocalStack, type LocalStack } from '#lib/stack';
import { s3Client } from '#lib/test-support';

// The whole chain as deployed, on the local stack: serverless.yml gives the signing functions the
// key's id and its parameter's name, the deployed code (cdnSignerFromEnv, in a function's own
// environment) fetches the private key from "Parameter Store" (the SSM front on the CDN's port),
// and the CDN, restricted as infra.serverless.yml's behaviour is, serves what it signs and
// nothing unsigned. The key belongs to the data folder: URLs survive a restart.

let dataDir: string;
let stack: LocalStack | undefined;
const PHOTO = `photos/event_demo-event/${randomUUID()}.jpg`;

const start = async (ports?: Parameters<typeof startLocalStack>[0]['ports']) =>
  (stack = await startLocalStack({ dataDir, retryDelaysMs: [10], ...(ports ? { ports } : {}) }));

/** The signer a deployed function makes, in that function's environment. */
async function functionSigner(functionName: string): Promise<CdnSigner> {
  const environment = stack!.functionEnvironment(functionName);
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  try {
    return await cdnSignerFromEnv()();
  } finally {
    vi.unstubAllEnvs();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-cdn-signing-'));
  await start();
  await s3Client(stack!.outputs).send(
    new PutObjectCommand({ Bucket: stack!.outputs.bucketName, Key: PHOTO, Body: 'jpeg?', ContentType: 'image/jpeg' }),
  );
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('CDN signing on the local stack', () => {
  it('gives the signing settings to the functions that return photos, and to no other', () => {
    const { outputs } = stack!;
    for (const name of ['listPhotos', 'getPhoto', 'editPhoto', 'initiateUpload']) {
      expect(stack!.functionEnvironment(name), name).toMatchObject({
        CDN_KEY_PAIR_ID: outputs.cdnKeyPairId,
        CDN_PRIVATE_KEY_PARAMETER: '/event-photos/local/cdn-private-key-a',
        CDN_URL_WINDOW_SECONDS: '900',
        AWS_ENDPOINT_URL_SSM: outputs.cdnBaseUrl,
      });
    }
    for (const name of ['getEvent', 'deletePhoto', 'processUploadedPhoto']) {
      expect(
        Object.keys(stack!.functionEnvironment(name)).filter((key) => key.startsWith('CDN_')),
        name,
      ).toEqual([]);
    }
    expect(outputs.cdnKeyPairId).toMatch(/^K[A-Z0-9]{13}$/);
  });

  it('serves what a function signs with the key it fetched, and nothing unsigned', async () => {
    const { cdnBaseUrl } = stack!.outputs;
    const { query } = (await functionSigner('listPhotos')).signEventUrls('demo-event');
    const served = await fetch(`${cdnBaseUrl}/${PHOTO}?${query}`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('jpeg?');

    const unsigned = await fetch(`${cdnBaseUrl}/${PHOTO}`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingKey</Code>');
    const otherEvent = (await functionSigner('getPhoto')).signEventUrls('other-event').query;
    expect((await fetch(`${cdnBaseUrl}/${PHOTO}?${otherEvent}`)).status).toBe(403);
    // What tests sign with: the same key, so the same query.
    expect((await localCdnSigner(dataDir, cdnBaseUrl)).signEventUrls('demo-event').query).toBe(query);
  });

  it('keeps the key of the data folder across a restart: URLs signed before still work', async () => {
    const before = stack!.outputs;
    const signedUrl = `${before.cdnBaseUrl}/${PHOTO}?${(await functionSigner('editPhoto')).signEventUrls('demo-event').query}`;
    await stack!.stop();
    stack = undefined;
    // The same ports, as `npm start` has them: the same addresses.
    const port = (url: string) => Number(new URL(url).port);
    await start({
      api: port(before.apiUrl),
      cdn: port(before.cdnBaseUrl),
      s3: port(before.s3Endpoint),
      dynamodb: port(before.dynamodbEndpoint),
      cognito: port(before.cognitoEndpoint),
    });
    expect(stack!.outputs.cdnKeyPairId).toBe(before.cdnKeyPairId);
    expect((await fetch(signedUrl)).status).toBe(200);
  });
});

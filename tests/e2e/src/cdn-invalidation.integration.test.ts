import { explicitInvalidationPaths, publishedObjectKey, renditionObjectKeys, wildcardInvalidationPath } from '@event-photos/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiCaller,
  apiCaller,
  jpegBytes,
  signedCdnQuery,
  signedCloudFrontCall,
  signIn,
  stackWithDemoUsers,
} from '@event-photos/local-stack/test-support';
import { admit } from './support/membership';
import { createUser } from './support/users';

// Deletes reach the CDN: the delete routes ask CloudFront (the local CloudFront API on the CDN's
// port, checked as CloudFront checks it) to forget the deleted photos' paths, once per request,
// and the local CDN itself answers 404 at once. Invalidations stay in progress for 10 minutes
// here, so CloudFront's limits on what is in progress are met on purpose.

const EVENT = 'demo-event';
const GUEST = { email: 'cdn-guest@example.com', password: 'Local-CdnGuest-1!' };
let env: Awaited<ReturnType<typeof stackWithDemoUsers>>;
let attendee: ApiCaller;
let signed: string;

const invalidations = () => env.stack.cdn.invalidations();
/** The invalidations made while `action` ran. */
async function madeBy(action: () => Promise<unknown>) {
  const before = invalidations().length;
  await action();
  return invalidations().slice(before);
}

/** Uploads `count` photos as `caller` and waits until they are ready. */
async function uploaded(caller: ApiCaller, count: number): Promise<Array<{ photoId: string }>> {
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const bytes = jpegBytes(2048);
      const initiated = await caller('POST', `/events/${EVENT}/photos/initiate-upload`, {
        title: `Photo ${index}`,
        contentType: 'image/jpeg',
        size: bytes.length,
      });
      expect(initiated.status, initiated.text).toBe(201);
      const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
      expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
      return photoId as string;
    }),
  );
  await env.stack.notifications.idle();
  return Promise.all(
    ids.map(async (photoId) => {
      const photo = await caller('GET', `/events/${EVENT}/photos/${photoId}`);
      expect(photo.json.status).toBe('ready');
      return photo.json as { photoId: string };
    }),
  );
}

/** The status the local CDN answers for one of the photo's keys, with a valid signature. */
const cdnStatus = async (key: string) => (await fetch(`${env.stack.outputs.cdnBaseUrl}/${key}?${signed}`)).status;

beforeAll(async () => {
  env = await stackWithDemoUsers('cdn-invalidation', { retryDelaysMs: [50, 100], cdn: { invalidationInProgressMs: 600_000 } });
  attendee = env.attendee;
  signed = await signedCdnQuery(env.dataDir, `${env.stack.outputs.cdnBaseUrl}/*`);
});
afterAll(async () => {
  await env?.stop();
});

describe('deleting photos invalidates the CDN', () => {
  it('DELETE of a photo: 204, one invalidation of its wildcard path, and the local CDN answers 404 at once', async () => {
    const [photo] = await uploaded(attendee, 1);
    const keys = [publishedObjectKey(EVENT, photo!.photoId, 'image/jpeg'), ...renditionObjectKeys(EVENT, photo!.photoId)];
    expect(await cdnStatus(keys[0]!)).toBe(200);
    const made = await madeBy(async () => expect((await attendee('DELETE', `/events/${EVENT}/photos/${photo!.photoId}`)).status).toBe(204));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      distributionId: env.stack.outputs.cdnDistributionId,
      status: 'InProgress',
      paths: [wildcardInvalidationPath(EVENT, photo!.photoId)],
    });
    expect(await Promise.all(keys.map(cdnStatus))).toEqual(keys.map(() => 404));
  });

  it('batch delete of 20: one invalidation naming every file of the 20 (over 15 photos, no wildcard)', async () => {
    const photos = await uploaded(attendee, 20);
    const photoIds = photos.map((photo) => photo.photoId);
    const made = await madeBy(async () => {
      const answer = await attendee('POST', `/events/${EVENT}/photos/batch-delete`, { photoIds });
      expect(answer.json.results.every((result: { status: string }) => result.status === 'deleted')).toBe(true);
    });
    expect(made).toHaveLength(1);
    expect(made[0]!.paths).toEqual(photoIds.flatMap((photoId) => explicitInvalidationPaths(EVENT, { photoId, contentType: 'image/jpeg' })));
    expect(made[0]!.paths.some((path) => path.includes('*'))).toBe(false);
  });

  it('removing a member keeps their photos, so invalidates nothing', async () => {
    await createUser(env.stack.outputs, GUEST);
    const guest = apiCaller(env.stack.outputs, (await signIn(env.stack.outputs, GUEST.email, GUEST.password)).idToken);
    const { memberId } = await admit(env.organizer, guest, EVENT);
    const [photo] = await uploaded(guest, 1);
    const made = await madeBy(async () => expect((await env.organizer('DELETE', `/events/${EVENT}/members/${memberId}`)).status).toBe(204));
    expect(made).toEqual([]);
    expect((await attendee('GET', `/events/${EVENT}/photos/${photo!.photoId}`)).json.status).toBe('ready');
  });

  it('falls back to every file path when the 15 wildcard paths in progress are taken, and never fails a delete the CDN refuses', async () => {
    const wildcardsInProgress = invalidations()
      .filter((item) => item.status === 'InProgress')
      .flatMap((item) => item.paths)
      .filter((path) => path.endsWith('*')).length;
    const fill = Array.from({ length: 15 - wildcardsInProgress }, (_, n) => `/photos/event_filler/${n}*`);
    expect((await signedCloudFrontCall(env.stack.outputs, batchXml(fill))).status).toBe(201);
    const [first, second] = await uploaded(attendee, 2);
    const fallback = await madeBy(async () =>
      expect((await attendee('DELETE', `/events/${EVENT}/photos/${first!.photoId}`)).status).toBe(204),
    );
    expect(fallback.map((item) => item.paths)).toEqual([
      explicitInvalidationPaths(EVENT, { photoId: first!.photoId, contentType: 'image/jpeg' }),
    ]);

    // Now the 3,000 file paths in progress too: CloudFront refuses both ways, the delete goes on.
    const filesInProgress = invalidations()
      .filter((item) => item.status === 'InProgress')
      .flatMap((item) => item.paths)
      .filter((path) => !path.endsWith('*')).length;
    const files = Array.from({ length: 3000 - filesInProgress }, (_, n) => `/photos/event_filler/${n}.jpg`);
    expect((await signedCloudFrontCall(env.stack.outputs, batchXml(files))).status).toBe(201);
    const refused = await madeBy(async () =>
      expect((await attendee('DELETE', `/events/${EVENT}/photos/${second!.photoId}`)).status).toBe(204),
    );
    expect(refused).toEqual([]);
    expect((await attendee('GET', `/events/${EVENT}/photos/${second!.photoId}`)).status).toBe(404);
    expect(await cdnStatus(publishedObjectKey(EVENT, second!.photoId, 'image/jpeg'))).toBe(404);
  });
});

describe('the local CloudFront API', () => {
  it("is where the delete functions, and only they, are told to invalidate the stack's distribution", () => {
    const { outputs, functionEnvironment } = env.stack;
    for (const name of ['deletePhoto', 'batchDeletePhotos']) {
      expect(functionEnvironment(name), name).toMatchObject({
        PHOTOS_CDN_DISTRIBUTION_ID: outputs.cdnDistributionId,
        AWS_ENDPOINT_URL_CLOUDFRONT: outputs.cdnBaseUrl,
      });
    }
    for (const name of ['listPhotos', 'removeMember', 'processUploadedPhoto', 'reconcileUploads']) {
      expect(functionEnvironment(name)['PHOTOS_CDN_DISTRIBUTION_ID'], name).toBeUndefined();
    }
  });

  it("refuses the functions' key on a distribution their roles do not name: AccessDenied, as IAM makes CloudFront answer", async () => {
    const denied = await signedCloudFrontCall(env.stack.outputs, batchXml(['/photos/x.jpg']), { distributionId: 'E2QWRUHAPOMQZL' });
    expect(denied).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(denied.text).toMatch(
      /is not authorized to perform: cloudfront:CreateInvalidation on resource: arn:aws:cloudfront::\d+:distribution\/E2QWRUHAPOMQZL/,
    );
  });

  it('refuses another key pair, and malformed XML with 400 MalformedInput, recording nothing', async () => {
    const before = invalidations().length;
    const stranger = await signedCloudFrontCall(env.stack.outputs, batchXml(['/photos/x.jpg']), {
      credentials: { accessKeyId: 'AKIDNOTLOCAL', secretAccessKey: 'x' },
    });
    expect(stranger).toMatchObject({ status: 403, code: 'InvalidClientTokenId' });
    expect(await signedCloudFrontCall(env.stack.outputs, '<InvalidationBatch><Paths><Quantity>1')).toMatchObject({
      status: 400,
      code: 'MalformedInput',
    });
    expect(await signedCloudFrontCall(env.stack.outputs, batchXml(['/photos/*/x.jpg']))).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
    });
    expect(invalidations()).toHaveLength(before);
  });
});

function batchXml(paths: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Paths><Quantity>${paths.length}</Quantity><Items>${paths
    .map((path) => `<Path>${path}</Path>`)
    .join('')}</Items></Paths><CallerReference>${crypto.randomUUID()}</CallerReference></InvalidationBatch>`;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhotoView } from '@event-photos/core';
import { ApiError } from '#lib/errors';
import { THROTTLED } from '#lib/retry';
import { sendPhoto, type PhotoUploadProgress, type SendPhotoOptions, type UploadJob, type UploadTarget } from '#lib/send-photo';
import { stubFetch } from '#lib/test-fetch';

// sendPhoto from a stored job, as the web app's durable queue gives it back after a reload: the
// API is a fake UploadTarget, S3 a stubbed fetch.

const photo = (photoId: string): PhotoView => ({
  photoId,
  eventId: 'demo-event',
  title: 'a',
  description: '',
  contentType: 'image/png',
  size: 4,
  sha256: 'ab'.repeat(32),
  url: `https://cdn.example.test/${photoId}.png`,
  uploaderName: 'attendee',
  mine: true,
  createdAt: '2026-11-02T10:00:00.000Z',
});

const signed = (photoId: string, inMs = 300_000) => ({
  photoId,
  s3PutObjectUrl: `https://s3.example.test/${photoId}`,
  method: 'PUT' as const,
  headers: { 'Content-Type': 'image/png', 'Content-Length': '4', 'If-None-Match': '*' },
  expiresAt: new Date(Date.now() + inMs).toISOString(),
});

function target(overrides: Partial<Record<keyof UploadTarget, unknown>> = {}) {
  let n = 0;
  return {
    initiateUpload: vi.fn(async () => signed(`new-${++n}`)),
    waitForPhoto: vi.fn(async (photoId: string) => photo(photoId)),
    getPhoto: vi.fn(async (photoId: string) => ({ ...photo(photoId), status: 'ready' as const })),
    ...overrides,
  } as UploadTarget & Record<keyof UploadTarget, ReturnType<typeof vi.fn>>;
}

const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'a.png', { type: 'image/png' });
const preconditionFailed = () => new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 });

function run(api: UploadTarget, job: UploadJob, options: Partial<SendPhotoOptions> = {}) {
  const saved: UploadJob[] = [];
  const seen: PhotoUploadProgress[] = [];
  let current: PhotoUploadProgress = { index: 0, file, state: 'queued', loaded: 0, total: 4, percent: 0, attempt: 1 };
  const result = sendPhoto(api, file, job, {
    title: 'a',
    signal: new AbortController().signal,
    retry: { delaysMs: [1, 1] },
    onProgress: (change) => {
      current = { ...current, ...change };
      seen.push(current);
      return current;
    },
    onSaved: (stored) => void saved.push(stored),
    ...options,
  });
  return { result, saved, seen };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sendPhoto from a stored job', () => {
  it('keeps each step: the hash, the signed URL, the PUT begun, the bytes sent', async () => {
    stubFetch(new Response(null, { status: 200 }));
    const { result, saved } = run(target(), {});
    expect(await result).toMatchObject({ state: 'done', photo: { photoId: 'new-1' } });
    expect(saved.map((job) => Object.keys(job).sort().join(','))).toEqual([
      'sha256',
      'putStarted,sha256,upload',
      'putStarted,sha256,upload',
      'putStarted,sent,sha256,upload',
    ]);
    expect(saved.map((job) => [job.putStarted, job.sent])).toEqual([
      [undefined, undefined],
      [false, undefined],
      [true, undefined],
      [true, true],
    ]);
  });

  it('PUTs again to a URL that still lasts, and counts 412 as sent when a PUT had begun on it', async () => {
    const { requests } = stubFetch(preconditionFailed());
    const api = target();
    const { result } = run(api, { sha256: 'ab'.repeat(32), upload: signed('earlier'), putStarted: true });
    expect(await result).toMatchObject({ state: 'done', percent: 100, photo: { photoId: 'earlier' } });
    expect(requests.map((request) => request.url)).toEqual(['https://s3.example.test/earlier']);
    expect(api.initiateUpload).not.toHaveBeenCalled();
  });

  it('takes no 412 for sent on a URL it never used', async () => {
    stubFetch(preconditionFailed());
    const { result } = run(target(), { sha256: 'ab'.repeat(32), upload: signed('earlier'), putStarted: false });
    expect(await result).toMatchObject({ state: 'failed' });
  });

  it('asks where an upload stands when its URL lapsed after its PUT began: a ready photo is done, nothing sent again', async () => {
    const { requests } = stubFetch();
    const api = target();
    const { result } = run(api, { sha256: 'ab'.repeat(32), upload: signed('earlier', -1000), putStarted: true });
    expect(await result).toMatchObject({ state: 'done', photo: { photoId: 'earlier' } });
    expect(api.getPhoto).toHaveBeenCalledWith('earlier', expect.anything());
    expect(api.initiateUpload).not.toHaveBeenCalled();
    expect(requests).toHaveLength(0);
  });

  it('initiates anew (declaring the SHA-256) when the lapsed upload is still pending, and sends', async () => {
    const { requests } = stubFetch(new Response(null, { status: 200 }));
    const api = target({ getPhoto: vi.fn(async () => ({ status: 'pending' })) });
    const { result } = run(api, { sha256: 'cd'.repeat(32), upload: signed('earlier', -1000), putStarted: true });
    expect(await result).toMatchObject({ state: 'done', photo: { photoId: 'new-1' } });
    expect(api.initiateUpload.mock.calls[0]![0]).toMatchObject({ sha256: 'cd'.repeat(32) });
    expect(requests.map((request) => request.url)).toEqual(['https://s3.example.test/new-1']);
  });

  it('goes straight to processing when the bytes were sent', async () => {
    const { requests } = stubFetch();
    const api = target();
    const { result } = run(api, { sha256: 'ab'.repeat(32), upload: signed('earlier', -1000), putStarted: true, sent: true });
    expect(await result).toMatchObject({ state: 'done', photo: { photoId: 'earlier' } });
    expect(requests).toHaveLength(0);
    expect(api.waitForPhoto).toHaveBeenCalledWith('earlier', expect.anything());
  });

  it("retries API Gateway's throttling after Retry-After, and never the API's own quota", async () => {
    stubFetch(new Response(null, { status: 200 }));
    let calls = 0;
    const started = Date.now();
    const throttledOnce = target({
      initiateUpload: vi.fn(async () => {
        if (++calls === 1) throw new ApiError(429, THROTTLED, 'Too Many Requests', { retryAfterSeconds: 1 });
        return signed('after-wait');
      }),
    });
    const { result, seen } = run(throttledOnce, {});
    expect(await result).toMatchObject({ state: 'done', photo: { photoId: 'after-wait' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(seen.some((progress) => progress.retryAt !== undefined && progress.attempt === 2)).toBe(true);

    const quota = target({
      initiateUpload: vi.fn(async () => {
        throw new ApiError(429, 'QuotaExceeded', 'Over the hourly upload quota', { retryAfterSeconds: 1200 });
      }),
    });
    const refused = run(quota, {});
    expect(await refused.result).toMatchObject({ state: 'failed', message: 'Too many tries. Wait 20 minutes and try again.' });
    expect(quota.initiateUpload).toHaveBeenCalledTimes(1);
  });
});

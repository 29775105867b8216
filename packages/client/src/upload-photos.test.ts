import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhotoView } from '@event-photos/core';
import { ApiError } from '#lib/errors';
import { stubFetch } from '#lib/test-fetch';
import { titleFromFileName } from '#lib/upload-checks';
import { uploadPhotos, type PhotoUploadProgress, type UploadTarget } from '#lib/upload-photos';

// Unit tests: the API is a fake UploadTarget and S3 a stubbed fetch (Node has no XMLHttpRequest,
// so putObject uses fetch). The same flow runs for real in the browser tests.

const photoOf = (photoId: string, title: string): PhotoView => ({
  photoId,
  eventId: 'demo-event',
  title,
  description: '',
  contentType: 'image/png',
  size: 4,
  sha256: 'ab'.repeat(32),
  url: `https://cdn.example.test/${photoId}.png`,
  uploaderName: 'attendee',
  mine: true,
  createdAt: '2026-11-02T10:00:00.000Z',
});

function fakeTarget(answer?: (n: number) => Promise<Awaited<ReturnType<UploadTarget['initiateUpload']>>>) {
  let n = 0;
  const initiateUpload = vi.fn((input: Parameters<UploadTarget['initiateUpload']>[0]) => {
    n++;
    if (answer) return answer(n);
    return Promise.resolve({
      photoId: `photo-${n}`,
      s3PutObjectUrl: `https://s3.example.test/${n}`,
      method: 'PUT' as const,
      headers: { 'Content-Type': input.contentType, 'Content-Length': String(input.size), 'If-None-Match': '*' },
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });
  });
  const waitForPhoto = vi.fn(async (photoId: string) => photoOf(photoId, 'ready'));
  return { initiateUpload, waitForPhoto };
}

const png = (name: string, bytes = [0x89, 0x50, 0x4e, 0x47]) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });
const ok = () => new Response(null, { status: 200 });
const noDelays = { retryDelaysMs: [1, 1, 1] };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uploadPhotos', () => {
  it('checks type and size before any request, in plain words', async () => {
    const { requests } = stubFetch();
    const target = fakeTarget();
    const big = new File([new Uint8Array(31 * 1024 * 1024)], 'photo.jpg', { type: 'image/jpeg' });
    const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    const empty = new File([], 'empty.png', { type: 'image/png' });
    const results = await uploadPhotos(target, [big, text, empty, { file: png('untitled.png'), title: '   ' }]);
    expect(results.map((result) => [result.state, result.message])).toEqual([
      ['failed', 'photo.jpg is 31 MB; the limit is 25 MB.'],
      ['failed', 'notes.txt is not a photo this app takes; use JPEG, PNG, WebP, GIF, AVIF or HEIC.'],
      ['failed', 'empty.png is empty.'],
      ['failed', 'untitled.png needs a title.'],
    ]);
    expect(target.initiateUpload).not.toHaveBeenCalled();
    expect(requests).toHaveLength(0);
  });

  it('declares the SHA-256, titles each file after its name and reaches 100%', async () => {
    const { requests } = stubFetch(ok());
    const target = fakeTarget();
    const seen: PhotoUploadProgress[] = [];
    const [result] = await uploadPhotos(target, [png('IMG_2041.png')], { onProgress: (progress) => seen.push(progress) });
    expect(target.initiateUpload.mock.calls[0]![0]).toEqual({
      title: 'IMG_2041',
      contentType: 'image/png',
      size: 4,
      sha256: createHash('sha256')
        .update(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
        .digest('hex'),
    });
    expect(requests[0]).toMatchObject({
      url: 'https://s3.example.test/1',
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'if-none-match': '*' },
    });
    expect(requests[0]!.headers).not.toHaveProperty('content-length');
    expect(seen.map((progress) => progress.state)).toEqual([
      'queued',
      'hashing',
      'initiating',
      'uploading',
      'uploading',
      'uploading',
      'processing',
      'done',
    ]);
    expect(result).toMatchObject({ state: 'done', percent: 100, loaded: 4, photo: { photoId: 'photo-1' } });
  });

  it('sends nothing for a photo the event already holds', async () => {
    const { requests } = stubFetch();
    const target = fakeTarget(async () => ({ duplicate: true as const, photo: photoOf('existing', 'Keynote') }));
    const [result] = await uploadPhotos(target, [png('again.png')]);
    expect(result).toMatchObject({
      state: 'duplicate',
      photo: { photoId: 'existing' },
      message: 'again.png is already in this event, as “Keynote”; it was not sent again.',
    });
    expect(requests).toHaveLength(0);
    expect(target.waitForPhoto).not.toHaveBeenCalled();
  });

  it('sends at most `concurrency` files at once', async () => {
    let inFlight = 0;
    let most = 0;
    const slowOk = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
      return ok();
    };
    stubFetch(...Array.from({ length: 7 }, () => slowOk));
    const results = await uploadPhotos(
      fakeTarget(),
      Array.from({ length: 7 }, (_, n) => png(`${n}.png`, [0x89, 0x50, 0x4e, n])),
      { concurrency: 2 },
    );
    expect(results.every((result) => result.state === 'done')).toBe(true);
    expect(most).toBe(2);
  });

  it('retries network errors and 5xx with backoff, and reports the attempt', async () => {
    const { requests } = stubFetch(
      new TypeError('Failed to fetch'),
      new Response('<Error><Code>SlowDown</Code></Error>', { status: 503 }),
      ok(),
    );
    const seen: PhotoUploadProgress[] = [];
    const [result] = await uploadPhotos(fakeTarget(), [png('a.png')], { ...noDelays, onProgress: (progress) => seen.push(progress) });
    expect(result).toMatchObject({ state: 'done', attempt: 3, message: undefined });
    expect(requests).toHaveLength(3);
    expect(seen.find((progress) => progress.attempt === 2)?.message).toBe(
      'a.png could not be sent: the connection failed. Check your connection and try again. Trying again…',
    );
  });

  it('never retries a 4xx', async () => {
    const target = fakeTarget(() => Promise.reject(new ApiError(409, 'EventClosed', 'Event demo-event is closed')));
    const [result] = await uploadPhotos(target, [png('late.png')], noDelays);
    expect(result).toMatchObject({ state: 'failed', message: 'This event is closed: it takes no more photos.' });
    expect(target.initiateUpload).toHaveBeenCalledTimes(1);
  });

  it('counts a retried PUT answered 412 as sent: the lost answer was a success', async () => {
    stubFetch(new TypeError('Failed to fetch'), new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 }));
    const [result] = await uploadPhotos(fakeTarget(), [png('a.png')], noDelays);
    expect(result).toMatchObject({ state: 'done', percent: 100 });
  });

  it('cancels one file with its own signal and leaves the others alone', async () => {
    const controller = new AbortController();
    stubFetch(ok(), (_request) => {
      controller.abort();
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    });
    const results = await uploadPhotos(
      fakeTarget(),
      [png('kept.png'), { file: png('dropped.png', [1, 2, 3]), signal: controller.signal }],
      { concurrency: 1 },
    );
    expect(results.map((result) => result.state)).toEqual(['done', 'cancelled']);
    expect(results[1]!.message).toBe('dropped.png was not uploaded: cancelled.');
  });

  it('makes a title of a file name', () => {
    expect(titleFromFileName('IMG_2041.JPEG')).toBe('IMG_2041');
    expect(titleFromFileName('키노트\u202e.png')).toBe('키노트');
    expect(titleFromFileName('.png')).toBe('Photo');
    expect([...titleFromFileName(`${'é'.repeat(300)}.jpg`)]).toHaveLength(200);
  });
});

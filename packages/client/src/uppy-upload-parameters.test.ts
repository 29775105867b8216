import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPhotosClient } from '#lib/photos-client';
import { json, stubFetch } from '#lib/test-fetch';
import { uppyUploadParameters } from '#lib/uppy-upload-parameters';

const client = createPhotosClient({ apiUrl: 'https://api.example.test', eventId: 'demo-event', getToken: () => 't' });
const uppyFile = (data: Blob, meta: Record<string, unknown> = {}) => ({ name: 'keynote.png', type: data.type, data, meta });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uppyUploadParameters', () => {
  it("answers Uppy's { method, url, headers } from initiate-upload, without the headers a browser may not set", async () => {
    const { requests } = stubFetch(
      json(201, {
        photoId: 'p',
        s3PutObjectUrl: 'https://s3.example.test/x',
        method: 'PUT',
        expiresAt: '2026-12-01T10:05:00.000Z',
        headers: { 'Content-Type': 'image/png', 'Content-Length': '3', 'If-None-Match': '*' },
      }),
    );
    const parameters = await uppyUploadParameters(client)(
      uppyFile(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), { title: 'Keynote', description: 'Hall A' }),
    );
    expect(parameters).toEqual({
      method: 'PUT',
      url: 'https://s3.example.test/x',
      headers: { 'Content-Type': 'image/png', 'If-None-Match': '*' },
    });
    expect(JSON.parse(String(requests[0]!.body))).toMatchObject({
      title: 'Keynote',
      description: 'Hall A',
      contentType: 'image/png',
      size: 3,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses in plain words before any request', async () => {
    const { requests } = stubFetch();
    await expect(
      uppyUploadParameters(client, { maxBytes: 2 * 1024 * 1024 })(
        uppyFile(new Blob([new Uint8Array(3 * 1024 * 1024)], { type: 'image/png' })),
      ),
    ).rejects.toThrow('keynote.png is 3 MB; the limit is 2 MB.');
    expect(requests).toHaveLength(0);
  });

  it('fails a photo the event already holds with a message saying so', async () => {
    stubFetch(json(200, { duplicate: true, photo: { photoId: 'p', title: 'Opening' } }));
    await expect(uppyUploadParameters(client)(uppyFile(new Blob([new Uint8Array([1])], { type: 'image/png' })))).rejects.toThrow(
      'keynote.png is already in this event, as “Opening”.',
    );
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiRequest } from '#lib/api-request';
import { json, stubFetch } from '#lib/test-fetch';

afterEach(() => {
  vi.unstubAllGlobals();
});

const unauthorized = () => json(401, { message: 'Unauthorized' });

describe('api request', () => {
  it('asks for a fresh token once after a 401, and sends the request again with it', async () => {
    const tokens = ['old', 'new'];
    const getToken = vi.fn((options?: { refresh?: boolean }) => (options?.refresh ? tokens[1]! : tokens[0]!));
    const { requests } = stubFetch(unauthorized(), json(201, { ok: true }));
    const request = createApiRequest({ apiUrl: 'https://api.example.test', getToken });
    expect(await request('POST', '/events', { body: { name: 'x' } })).toEqual({ ok: true });
    expect(getToken.mock.calls).toEqual([[], [{ refresh: true }]]);
    expect(requests.map((seen) => [seen.headers['authorization'], seen.body])).toEqual([
      ['Bearer old', '{"name":"x"}'],
      ['Bearer new', '{"name":"x"}'],
    ]);
  });

  it('reports the 401 when no fresh token comes, and never loops', async () => {
    const { requests } = stubFetch(unauthorized(), unauthorized(), unauthorized());
    const same = createApiRequest({ apiUrl: 'https://api.example.test', getToken: () => 'same' });
    await expect(same('GET', '/events')).rejects.toMatchObject({ status: 401 });
    expect(requests).toHaveLength(1);
    let count = 0;
    const always = createApiRequest({ apiUrl: 'https://api.example.test', getToken: () => `t${count++}` });
    await expect(always('GET', '/events')).rejects.toMatchObject({ status: 401 });
    expect(requests).toHaveLength(3);
  });

  it('keeps Retry-After of a refusal', async () => {
    stubFetch(json(429, { error: { code: 'TooManyRequests', message: 'Too many join attempts' } }, { 'retry-after': '120' }));
    const request = createApiRequest({ apiUrl: 'https://api.example.test', getToken: () => 't' });
    await expect(request('POST', '/events/e/members', { body: { code: 'c' } })).rejects.toMatchObject({
      status: 429,
      retryAfterSeconds: 120,
    });
  });

  it("tells API Gateway's throttling (no error envelope) from the API's own 429s", async () => {
    stubFetch(
      json(429, { message: 'Too Many Requests' }),
      json(429, { error: { code: 'QuotaExceeded', message: 'Over the hourly upload quota' } }, { 'retry-after': '600' }),
    );
    const request = createApiRequest({ apiUrl: 'https://api.example.test', getToken: () => 't' });
    await expect(request('POST', '/events/e/photos/initiate-upload')).rejects.toMatchObject({ status: 429, code: 'Throttled' });
    await expect(request('POST', '/events/e/photos/initiate-upload')).rejects.toMatchObject({
      status: 429,
      code: 'QuotaExceeded',
      retryAfterSeconds: 600,
    });
  });
});

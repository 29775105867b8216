import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeUploadMetadata } from '@event-photos/core';
import { UPLOAD_CACHE_CONTROL, signUpload } from '#lib/upload-signer';
import { uploadSigningFromEnv } from '#lib/upload-signing-env';

// Presigning is local, so nothing leaves the process. Region and the dummy
// static credentials come from the unit project's env (AWS_REGION, AWS_ACCESS_KEY_ID, ...).
const s3 = uploadSigningFromEnv();
const PHOTO_ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const KEY = `uploads/event_summit-2026/${PHOTO_ID}.jpg`;
const metadata = encodeUploadMetadata({
  photoId: PHOTO_ID,
  eventId: 'summit-2026',
  uploaderId: 'user-1',
  contentType: 'image/jpeg',
  title: '키노트 연설 🎤',
  description: 'Day one',
});
const now = new Date('2026-05-01T10:00:00.000Z');

const SHA256_BASE64 = createHash('sha256').update('photo bytes').digest('base64');

async function sign(sha256Base64?: string) {
  return signUpload(
    s3,
    { bucket: 'photos-bucket-test', key: KEY, contentType: 'image/jpeg', size: 1234, metadata, expiresInSeconds: 300, sha256Base64 },
    now,
  );
}

describe('signUpload', () => {
  it('signs a 5-minute PUT URL for the key, dated now', async () => {
    const { url, expiresAt } = await sign();
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('https:');
    expect(decodeURIComponent(parsed.pathname)).toContain(KEY);
    expect(parsed.hostname).toContain('photos-bucket-test');
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(parsed.searchParams.get('X-Amz-Date')).toBe('20260501T100000Z');
    expect(parsed.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(parsed.searchParams.get('X-Amz-Credential')).toBe('test/20260501/eu-west-1/s3/aws4_request');
    expect(parsed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt.toISOString()).toBe('2026-05-01T10:05:00.000Z');
  });

  it('signs content-length, content-type, cache-control, if-none-match and host', async () => {
    const { url } = await sign();
    const signed = new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'cache-control', 'host', 'if-none-match']));
  });

  it('hoists every metadata value into the signed query string, unchanged', async () => {
    const { url } = await sign();
    const params = new URL(url).searchParams;
    for (const [key, value] of Object.entries(metadata)) expect(params.get(`x-amz-meta-${key}`)).toBe(value);
    // The non-ASCII title travels encoded.
    expect(params.get('x-amz-meta-title')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it('carries no checksum of an empty body', async () => {
    const { url } = await sign();
    const names = [...new URL(url).searchParams.keys()].map((name) => name.toLowerCase());
    expect(names.filter((name) => name.includes('checksum'))).toEqual([]);
    expect(names).not.toContain('x-amz-checksum-crc32');
    expect(names).not.toContain('x-amz-sdk-checksum-algorithm');
    const signed = new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '';
    expect(signed).not.toContain('checksum');
  });

  it('returns exactly the headers the client must send', async () => {
    const { headers } = await sign();
    expect(headers).toEqual({
      'Content-Type': 'image/jpeg',
      'Content-Length': '1234',
      'Cache-Control': UPLOAD_CACHE_CONTROL,
      'If-None-Match': '*',
    });
  });

  it('with a declared SHA-256, signs it as a header the client must send, not as a query parameter', async () => {
    const { url, headers } = await sign(SHA256_BASE64);
    expect(headers).toEqual({
      'Content-Type': 'image/jpeg',
      'Content-Length': '1234',
      'Cache-Control': UPLOAD_CACHE_CONTROL,
      'If-None-Match': '*',
      'x-amz-checksum-sha256': SHA256_BASE64,
    });
    const params = new URL(url).searchParams;
    expect(params.get('X-Amz-SignedHeaders')?.split(';')).toContain('x-amz-checksum-sha256');
    const names = [...params.keys()].map((name) => name.toLowerCase());
    expect(names).not.toContain('x-amz-checksum-sha256');
    expect(names).not.toContain('x-amz-checksum-crc32');
    expect(names).not.toContain('x-amz-sdk-checksum-algorithm');
  });

  // The signed-header names alone do not show which values were signed (the SDK signs a
  // default Content-Type when the command has none): each pinned value must change the signature.
  const base = { bucket: 'photos-bucket-test', key: KEY, contentType: 'image/jpeg', size: 1234, metadata, expiresInSeconds: 300 };
  it.each<[string, Partial<Parameters<typeof signUpload>[1]>]>([
    ['size', { size: 1235 }],
    ['content type', { contentType: 'image/png' }],
    ['key', { key: KEY.replace('.jpg', '.png') }],
    ['a metadata value', { metadata: { ...metadata, uploaderid: 'user-2' } }],
    ['declared SHA-256', { sha256Base64: createHash('sha256').update('other bytes').digest('base64') }],
  ])('changes the signature when the %s changes', async (_name, change) => {
    const signature = async (upload: Parameters<typeof signUpload>[1]) =>
      new URL((await signUpload(s3, upload, now)).url).searchParams.get('X-Amz-Signature');
    const original = await signature({ ...base, sha256Base64: SHA256_BASE64 });
    expect(await signature({ ...base, sha256Base64: SHA256_BASE64, ...change })).not.toBe(original);
  });
});

import { describe, expect, it } from 'vitest';
import { S3_USER_METADATA_LIMIT_BYTES, metadataSize } from '#lib/metadata-encoding';
import { decodeUploadMetadata, encodeUploadMetadata, type UploadMetadata } from '#lib/upload-metadata';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const upload: UploadMetadata = {
  photoId: '01890a5d-ac96-774b-bcce-b302099a8057',
  eventId: 'summit-2026',
  uploaderId: 'user-sub-123',
  contentType: 'image/jpeg',
  title: '키노트 연설 🎤',
  description: '主题演讲：第一天',
};

describe('encodeUploadMetadata', () => {
  it('writes lowercase keys with printable-ASCII values that decode back', () => {
    const metadata = encodeUploadMetadata(upload);
    expect(Object.keys(metadata).sort()).toEqual(['contenttype', 'description', 'eventid', 'photoid', 'title', 'uploaderid']);
    for (const value of Object.values(metadata)) expect(value).toMatch(PRINTABLE_ASCII);
    expect(metadata['title']).not.toBe(upload.title);
    expect(decodeUploadMetadata(metadata)).toEqual(upload);
  });

  it('keeps a description that fits in the 2 KB budget', () => {
    const metadata = encodeUploadMetadata({ ...upload, description: 'd'.repeat(500) });
    expect(metadata['description']).toBe('d'.repeat(500));
    expect(metadataSize(metadata)).toBeLessThanOrEqual(S3_USER_METADATA_LIMIT_BYTES);
  });

  it('keeps a description that makes the metadata exactly 2048 bytes', () => {
    const base = metadataSize(encodeUploadMetadata({ ...upload, description: '' }));
    const description = 'x'.repeat(S3_USER_METADATA_LIMIT_BYTES - base);
    const metadata = encodeUploadMetadata({ ...upload, description });
    expect(metadataSize(metadata)).toBe(S3_USER_METADATA_LIMIT_BYTES);
    expect(metadata['description']).toBe(description);
    // One byte more and it no longer fits.
    expect(encodeUploadMetadata({ ...upload, description: `${description}x` })).not.toHaveProperty('description');
  });

  it('drops a description whose encoding exceeds 2048 bytes, keeping everything else', () => {
    const description = '主'.repeat(2000); // 6000 bytes of UTF-8, 8000 once base64-encoded
    const metadata = encodeUploadMetadata({ ...upload, description });
    expect(metadata).not.toHaveProperty('description');
    expect(metadataSize(metadata)).toBeLessThanOrEqual(S3_USER_METADATA_LIMIT_BYTES);
    const { description: _dropped, ...rest } = upload;
    expect(decodeUploadMetadata(metadata)).toEqual(rest);
  });

  it('writes no description key when there is none', () => {
    const { description: _omitted, ...withoutDescription } = upload;
    expect(encodeUploadMetadata(withoutDescription)).not.toHaveProperty('description');
  });
});

describe('decodeUploadMetadata', () => {
  const encoded = encodeUploadMetadata(upload);

  it.each(['photoid', 'eventid', 'uploaderid', 'contenttype', 'title'])('returns null without %s', (key) => {
    const { [key]: _removed, ...metadata } = encoded;
    expect(decodeUploadMetadata(metadata)).toBeNull();
  });

  it('returns null for metadata that is not ours', () => {
    expect(decodeUploadMetadata({})).toBeNull();
    expect(decodeUploadMetadata({ 'content-type': 'image/jpeg', owner: 'someone' })).toBeNull();
  });

  it.each(['image/svg+xml', 'text/html', 'IMAGE/JPEG', 'constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'returns null for content type %j',
    (contenttype) => {
      expect(decodeUploadMetadata({ ...encoded, contenttype })).toBeNull();
    },
  );

  it('returns null when an encoded value is not valid UTF-8', () => {
    const notUtf8 = `=?UTF-8?B?${Buffer.from([0xc3, 0x28]).toString('base64')}?=`;
    expect(decodeUploadMetadata({ ...encoded, title: notUtf8 })).toBeNull();
  });

  it('passes ASCII values through', () => {
    expect(decodeUploadMetadata({ ...encoded, title: 'Keynote', description: 'Day one' })).toMatchObject({
      title: 'Keynote',
      description: 'Day one',
    });
  });
});

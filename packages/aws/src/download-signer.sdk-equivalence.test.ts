import { describe, expect, it } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsCredentialIdentity } from '@smithy/types';
import { attachment, type DownloadToSign, signDownload } from '#lib/download-signer';
import type { UploadSigningConfig } from '#lib/upload-signer';

// signDownload builds the GetObject request itself; the SDK's presigner signs the same download on
// the same date: equal URLs (signature included) mean every element is signed with the same values.

async function sdkPresigned(signing: UploadSigningConfig & { credentials: AwsCredentialIdentity }, download: DownloadToSign, now: Date) {
  const s3 = new S3Client({
    region: signing.region,
    credentials: signing.credentials,
    ...(signing.endpoint ? { endpoint: signing.endpoint } : {}),
    forcePathStyle: signing.forcePathStyle ?? false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const command = new GetObjectCommand({
    Bucket: download.bucket,
    Key: download.key,
    ResponseContentDisposition: attachment(download.fileName),
  });
  const url = await getSignedUrl(s3, command, { expiresIn: download.expiresInSeconds, signingDate: now });
  s3.destroy();
  return url;
}

const NOW = new Date('2026-05-01T10:00:00.000Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SESSION = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQD+session/token==' };
const ON_AWS = { region: 'eu-west-1', credentials: SESSION };
const LOCAL = { region: 'eu-west-1', credentials: KEYS, endpoint: 'http://127.0.0.1:4512', forcePathStyle: true };

const download: DownloadToSign = {
  bucket: 'event-photos-api-prod-photosbucket-1a2b3c4d5e6f',
  key: 'originals/event_summit-2026/01890a5d-ac96-774b-bcce-b302099a8057.jpg',
  expiresInSeconds: 300,
  fileName: '키노트 "연설" (day 1).jpg',
};

describe('signDownload', () => {
  it.each([
    ['on AWS, with a session token', ON_AWS],
    ['on an emulator, path style', LOCAL],
  ])('signs the URL the SDK presigner signs %s', async (_where, signing) => {
    const ours = await signDownload(signing, download, NOW);
    expect(ours.url).toBe(await sdkPresigned(signing, download, NOW));
    expect(ours.expiresAt).toEqual(new Date(NOW.getTime() + 300_000));
  });

  it('asks S3 to answer an attachment with the exact name in filename* and a safe ASCII fallback', async () => {
    const { url } = await signDownload(LOCAL, download, NOW);
    const disposition = new URL(url).searchParams.get('response-content-disposition')!;
    expect(disposition).toBe(
      `attachment; filename="___ ____ (day 1).jpg"; filename*=UTF-8''${encodeURIComponent('키노트 "연설" ')}%28day%201%29.jpg`,
    );
    expect(attachment('a\r\nb\\c.jpg')).toMatch(/^attachment; filename="a__b_c\.jpg"; filename\*=UTF-8''a%0D%0Ab%5Cc\.jpg$/);
  });

  it.each([0, -1, 7 * 24 * 3600 + 1, Number.NaN])('refuses to sign for %s seconds', async (expiresInSeconds) => {
    await expect(signDownload(LOCAL, { ...download, expiresInSeconds }, NOW)).rejects.toThrow(RangeError);
  });
});

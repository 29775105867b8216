import { createPublicKey, generateKeyPairSync, randomInt, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CdnSigner, DEFAULT_CDN_URL_WINDOW_SECONDS } from '@event-photos/aws';

/**
 * The local CDN's key pair, as a deployment has one: the public key in the distribution's trusted
 * key group under a CloudFront-style id, the private key where the functions fetch it (the local
 * SSM front, as a SecureString). Made once per data folder, so URLs signed before a restart still work.
 */
export interface CdnSigningKey {
  /** Like a CloudFront public key id (`K` and 13 letters or digits). */
  keyPairId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

const ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export async function ensureCdnSigningKey(file: string): Promise<CdnSigningKey> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as CdnSigningKey;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: CdnSigningKey = {
    keyPairId: `K${Array.from({ length: 13 }, () => ID_CHARACTERS[randomInt(ID_CHARACTERS.length)]).join('')}`,
    // What `openssl genrsa` writes and CloudFront takes (runbook "CDN signing key").
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(key), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return key;
}

/** The trusted key group the local CDN checks signatures against: this one key. */
export function trustedKeysOf(key: CdnSigningKey): Map<string, KeyObject> {
  return new Map([[key.keyPairId, createPublicKey(key.publicKeyPem)]]);
}

/** Where a data folder keeps the key. */
export function cdnSigningKeyFile(dataDir: string): string {
  return path.join(dataDir, 'cdn', 'signing-key.json');
}

/**
 * A signer with the key of a running stack's data folder, for tests that fetch a photo by its key
 * rather than by a URL the API returned: what the functions sign with.
 */
export async function localCdnSigner(
  dataDir: string,
  cdnBaseUrl: string,
  windowSeconds = DEFAULT_CDN_URL_WINDOW_SECONDS,
): Promise<CdnSigner> {
  const { keyPairId, privateKeyPem } = await ensureCdnSigningKey(cdnSigningKeyFile(dataDir));
  return new CdnSigner({ keyPairId, privateKeyPem, cdnBaseUrl, windowSeconds });
}

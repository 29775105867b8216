import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';

export interface SigningKey {
  /** cognito-local's lib/keys/cognitoLocal.private.json shape. */
  private: { jwk: Record<string, unknown>; pem: string };
  /** cognito-local's lib/keys/cognitoLocal.public.json shape. */
  public: { jwk: Record<string, unknown> };
}

/**
 * The local issuer's RSA key, made once per data directory (tokens stay valid across restarts).
 * cognito-local ships one fixed key pair inside its npm package: anyone could sign tokens the
 * local gateway would accept (an attendee could give itself the organizers group).
 */
export async function ensureSigningKey(file: string): Promise<SigningKey> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as SigningKey;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = { use: 'sig', kid: 'CognitoLocal', alg: 'RS256' };
  const key: SigningKey = {
    private: {
      jwk: { ...privateKey.export({ format: 'jwk' }), ...header },
      pem: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    },
    public: { jwk: { ...publicKey.export({ format: 'jwk' }), ...header } },
  };
  await writeFile(`${file}.tmp`, JSON.stringify(key), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return key;
}

/**
 * Code run first in the cognito-local child: its two key modules answer with our key instead of
 * the published one (they are plain JSON modules it `require`s).
 */
export function signingKeyPreload(keyFile: string, cognitoLocalEntry: string): string {
  return `{
  const Module = require('node:module');
  const key = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(keyFile)}, 'utf8'));
  const keys = require('node:path').join(require('node:path').dirname(${JSON.stringify(cognitoLocalEntry)}), '..', 'keys');
  for (const [name, exports] of [['cognitoLocal.private.json', key.private], ['cognitoLocal.public.json', key.public]]) {
    const file = require.resolve(require('node:path').join(keys, name));
    const module = new Module(file);
    Object.assign(module, { filename: file, loaded: true, exports });
    require.cache[file] = module;
  }
}`;
}

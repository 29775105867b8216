/**
 * The arithmetic of Cognito's SRP-6a sign-in (USER_SRP_AUTH), for the browser: native BigInt and
 * WebCrypto (SHA-256, HMAC-SHA256, HKDF), no dependency. The values and their encodings are
 * Cognito's (the ones AWS's own clients send); `srp.test.ts` checks them against
 * amazon-cognito-identity-js's AuthenticationHelper.
 *
 * Hex rule ("padHex"): a value is hashed as the bytes of its hex form, made of even length and
 * with a `00` byte in front when its first bit is set, so it always reads as a positive number.
 */

/** The 3072-bit group of RFC 5054 (also RFC 3526's group 15), generator 2: Cognito's. */
export const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;

const INFO = 'Caldera Derived Key';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Cognito's hex form of a non-negative value: even length, `00` first when the top bit is set. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('SRP values are never negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 === 1 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('Not an even-length hex string');
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A hex string from Cognito (SRP_B, SALT) as a number; throws on anything else. */
export function hexToBigInt(hex: string): bigint {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(hex)) throw new RangeError('Not a hex number');
  return BigInt(`0x${hex}`);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** base^exponent mod modulus, for non-negative values. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let square = ((base % modulus) + modulus) % modulus;
  for (let rest = exponent; rest > 0n; rest >>= 1n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
  }
  return result;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** WebCrypto, which browsers offer to secure pages only (https, or http on localhost/127.0.0.1). */
export function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new Error('this page is not secure (https), so the browser offers no WebCrypto to sign in with');
  return value;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return bytesToHex(new Uint8Array(await subtle().digest('SHA-256', bytes)));
}

/** SHA-256 of the bytes a hex string stands for, as a number. */
async function hashOfHex(hex: string): Promise<bigint> {
  return BigInt(`0x${await sha256Hex(hexToBytes(hex))}`);
}

let multiplier: Promise<bigint> | undefined;
/** k = H(padHex(N) | padHex(g)). */
export function srpMultiplier(): Promise<bigint> {
  return (multiplier ??= hashOfHex(padHex(N) + padHex(g)));
}

/** The client's secret a: 128 random bytes, as AWS's clients draw it. */
export function randomSmallA(): bigint {
  return BigInt(`0x${bytesToHex(crypto.getRandomValues(new Uint8Array(128)))}`);
}

/** A = g^a mod N (sent as SRP_A, in plain hex). */
export function largeA(smallA: bigint): bigint {
  const A = modPow(g, smallA, N);
  if (A % N === 0n) throw new RangeError('A mod N cannot be 0');
  return A;
}

/** u = H(padHex(A) | padHex(B)). */
export function scramblingParameter(A: bigint, B: bigint): Promise<bigint> {
  return hashOfHex(padHex(A) + padHex(B));
}

/** x = H(padHex(salt) | H(poolName | userId | ":" | password)). */
export async function privateKeyX(poolName: string, userId: string, password: string, salt: bigint): Promise<bigint> {
  return hashOfHex(padHex(salt) + (await sha256Hex(utf8(`${poolName}${userId}:${password}`))));
}

/** HKDF-SHA256 (salt = padHex(u), ikm = padHex(S), info "Caldera Derived Key"), 16 bytes. */
export async function derivedKey(S: bigint, u: bigint): Promise<Uint8Array> {
  const crypto = subtle();
  const ikm = await crypto.importKey('raw', hexToBytes(padHex(S)), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: hexToBytes(padHex(u)), info: utf8(INFO) }, ikm, 128);
  return new Uint8Array(bits);
}

export interface PasswordKeyInput {
  /** The part of the user pool id after `_`. */
  poolName: string;
  /** USER_ID_FOR_SRP from the challenge. */
  userId: string;
  password: string;
  smallA: bigint;
  A: bigint;
  /** SRP_B and SALT from the challenge. */
  B: bigint;
  salt: bigint;
}

/** S = (B - k g^x)^(a + u x) mod N, and u: what the key is derived from. */
export async function sharedSecret({
  poolName,
  userId,
  password,
  smallA,
  A,
  B,
  salt,
}: PasswordKeyInput): Promise<{ S: bigint; u: bigint }> {
  if (B % N === 0n) throw new RangeError('B mod N cannot be 0');
  const u = await scramblingParameter(A, B);
  if (u === 0n) throw new RangeError('u cannot be 0');
  const x = await privateKeyX(poolName, userId, password, salt);
  const k = await srpMultiplier();
  const base = (((B - k * modPow(g, x, N)) % N) + N) % N;
  return { S: modPow(base, smallA + u * x, N), u };
}

/** The key both sides derive (16 bytes), which signs the PASSWORD_VERIFIER answer. */
export async function passwordAuthenticationKey(input: PasswordKeyInput): Promise<Uint8Array> {
  const { S, u } = await sharedSecret(input);
  return derivedKey(S, u);
}

/** PASSWORD_CLAIM_SIGNATURE: base64 HMAC-SHA256(key, poolName | userId | SECRET_BLOCK bytes | TIMESTAMP). */
export async function passwordClaimSignature(
  key: Uint8Array,
  poolName: string,
  userId: string,
  secretBlock: string,
  timestamp: string,
): Promise<string> {
  const parts = [utf8(poolName), utf8(userId), base64ToBytes(secretBlock), utf8(timestamp)];
  const message = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  const crypto = subtle();
  const hmacKey = await crypto.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return bytesToBase64(new Uint8Array(await crypto.sign('HMAC', hmacKey, message)));
}

/** TIMESTAMP, "ddd MMM D HH:mm:ss UTC YYYY" in UTC, the day without a leading zero: "Tue Dec 1 09:05:07 UTC 2026". */
export function srpTimestamp(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** The pool name SRP hashes: the user pool id after its region and `_` ("eu-west-1_AbC123" -> "AbC123"). */
export function poolNameOf(userPoolId: string): string {
  const match = /^[A-Za-z0-9-]+_([0-9A-Za-z]+)$/.exec(userPoolId);
  if (!match) throw new TypeError(`"${userPoolId}" is not a user pool id (region_id)`);
  return match[1]!;
}

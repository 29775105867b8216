// S3 user metadata travels as HTTP headers / query values: only printable ASCII is safe.
// Non-ASCII values use RFC 2047 "encoded-word" (=?UTF-8?B?...?=), the form S3 itself returns.
// Browser-safe on purpose (TextEncoder/btoa, no Buffer): this package is shared with the SPA.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ENCODED_WORD = /^=\?UTF-8\?B\?([A-Za-z0-9+/]*={0,2})\?=$/i;
const utf8 = new TextEncoder();

export const S3_USER_METADATA_LIMIT_BYTES = 2048;

export function encodeMetadataValue(value: string): string {
  if (PRINTABLE_ASCII.test(value) && !ENCODED_WORD.test(value)) return value;
  let binary = '';
  for (const byte of utf8.encode(value)) binary += String.fromCharCode(byte);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}

export function decodeMetadataValue(value: string): string {
  const match = ENCODED_WORD.exec(value);
  if (!match) return value;
  const bytes = Uint8Array.from(atob(match[1]!), (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** What S3 counts against its 2 KB user-metadata limit: UTF-8 bytes of keys plus values. */
export function metadataSize(metadata: Record<string, string>): number {
  let size = 0;
  for (const [key, value] of Object.entries(metadata)) {
    size += utf8.encode(key).length + utf8.encode(value).length;
  }
  return size;
}

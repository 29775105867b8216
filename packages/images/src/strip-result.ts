// What stripping answers (core's StripResult): the file without identifying metadata and, for the
// logs, what was taken out ('GPS', 'BodySerialNumber', 'MakerNote', 'XMP'...; names from a fixed
// vocabulary, or a chunk's four letters, never text from the file); or why the file cannot be
// stripped (its structure is malformed, or its type is not one this can edit), in which case no
// original is published.
export type { StripResult } from '@event-photos/core';

/** One allocation for the output, then each part copied into it. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

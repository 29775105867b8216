// What the API accepts, as plain constants and small checks: NO zod here. The browser client
// imports this module alone (@event-photos/core/limits) to check a file before any request,
// without bundling zod; schemas.ts and the other schemas build on the same values.

/** Image types we accept, with the file extension used in the object key. */
export const IMAGE_CONTENT_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/heic': 'heic',
} as const;
export type ImageContentType = keyof typeof IMAGE_CONTENT_TYPES;

/** The default of the API's MAX_UPLOAD_BYTES (25 MiB). */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** Text lengths, in code points (codePoints). */
export const TITLE_MAX_CHARS = 200;
export const DESCRIPTION_MAX_CHARS = 2000;
/** Longest `q=` accepted. */
export const SEARCH_MAX_CHARS = 100;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
/** Longest `cursor` accepted; feed cursors (`since`) carry the ids the caller already has from the last moments, so they are longer. */
export const PAGE_CURSOR_MAX_CHARS = 2048;
export const FEED_CURSOR_MAX_CHARS = 8192;

/** Most photo ids in one batch-delete request. */
export const MAX_BATCH_DELETE = 100;

// Safe ids: no '/', no '..', no control characters, nothing that needs escaping in a key or URL.
export const EVENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const PHOTO_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Invites and members of an event: 128 bits as 32 lowercase hex digits (the store makes them). */
export const INVITE_ID_PATTERN = /^[0-9a-f]{32}$/;
export const MEMBER_ID_PATTERN = /^[0-9a-f]{32}$/;
/** Longest invite code accepted on join (ours are 43 characters: 256 random bits, base64url). */
export const INVITE_CODE_MAX_CHARS = 128;

/** Length in Unicode code points, so an emoji counts as one character. */
export const codePoints = (value: string) => [...value].length;

// What a text may hold (schemas.ts `text` and `title`).
/** Control characters (C0 but tab, LF and CR; DEL; C1): never in a text. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Tab and line breaks: only in a multiline text (a description), never in a title. */
export const LINE_BREAKS_AND_TABS = /[\r\n\t]/;
/** Lone surrogates are not valid Unicode text. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Bidi embeddings, overrides and isolates reorder what a reader sees (Trojan Source); refused in titles. */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;
/** Invisible characters that hide text or split look-alike words; refused in titles. */
export const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;
/**
 * ZWNJ/ZWJ are zero-width too, but some scripts need them inside words (Persian, Devanagari) and
 * emoji sequences use ZWJ (👨‍👩‍👧). Those uses are allowed; Latin, Greek and Cyrillic never need them.
 */
export const NEEDED_JOINERS =
  /(?<=[\p{L}\p{M}])(?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\u200c\u200d](?=\p{L})|(?<=\p{Extended_Pictographic}[\u{fe0f}\u{1f3fb}-\u{1f3ff}]?)\u200d(?=\p{Extended_Pictographic})/gu;

// The zod building blocks the request schemas share (photos.ts, events.ts, photo-changes.ts):
// the rules of limits.ts, as schemas. zod/mini: the same validation as classic zod, tree-shakable
// (~440 KiB less in every bundle).
import * as z from 'zod/mini';
import {
  BIDI_CONTROLS,
  CONTROL_CHARS,
  DEFAULT_PAGE_SIZE,
  EVENT_ID_PATTERN,
  INVITE_ID_PATTERN,
  LINE_BREAKS_AND_TABS,
  LONE_SURROGATE,
  MAX_PAGE_SIZE,
  MEMBER_ID_PATTERN,
  NEEDED_JOINERS,
  PAGE_CURSOR_MAX_CHARS,
  PHOTO_ID_PATTERN,
  ZERO_WIDTH,
  codePoints,
} from '#lib/limits';

export const text = (max: number, { multiline }: { multiline: boolean }) =>
  z.string().check(
    // JSON Schema's maxLength counts code points too: the same rule, for the OpenAPI document.
    z.meta({ maxLength: max }),
    z.refine((value) => codePoints(value) <= max, `must be at most ${max} characters`),
    z.refine((value) => !LONE_SURROGATE.test(value), 'must be valid Unicode text'),
    z.refine(
      (value) => !CONTROL_CHARS.test(value) && (multiline || !LINE_BREAKS_AND_TABS.test(value)),
      'must not contain control characters',
    ),
  );

/** A one-line text, trimmed, that must not be empty after trimming. */
export const title = (max: number) =>
  z.pipe(
    text(max, { multiline: false }).check(
      z.meta({ pattern: '\\S' }), // not blank: what the trim-then-non-empty step below checks
      z.refine((value) => !BIDI_CONTROLS.test(value), 'must not contain bidirectional control characters'),
      z.refine((value) => !ZERO_WIDTH.test(value.replace(NEEDED_JOINERS, '')), 'must not contain zero-width characters'),
    ),
    z.pipe(
      z.transform((value: string) => value.trim()),
      z.string().check(z.refine((value) => value.length > 0, 'must not be empty')),
    ),
  );

export const eventIdSchema = z
  .string()
  .check(z.regex(EVENT_ID_PATTERN, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit'));

export const photoIdSchema = z.string().check(z.regex(PHOTO_ID_PATTERN, 'must be a lowercase UUID'));
export const inviteIdSchema = z.string().check(z.regex(INVITE_ID_PATTERN, 'must be 32 lowercase hex digits'));
export const memberIdSchema = z.string().check(z.regex(MEMBER_ID_PATTERN, 'must be 32 lowercase hex digits'));

/** `limit` and `cursor` of a paged GET (the events, the photos of an event). */
export const pageQueryFields = {
  limit: z._default(
    z.coerce.number({ error: 'must be a number' }).check(
      z.meta({ type: 'integer' }),
      z.refine((value) => Number.isInteger(value), 'must be a whole number'),
      z.minimum(1, 'must be at least 1'),
      z.maximum(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
    ),
    DEFAULT_PAGE_SIZE,
  ),
  cursor: z.optional(z.string().check(z.maxLength(PAGE_CURSOR_MAX_CHARS, 'is not a valid cursor'))),
};

import { describe, expect, it } from 'vitest';
import { ValidationError } from '#lib/errors';
import { DEFAULT_MAX_UPLOAD_BYTES, DESCRIPTION_MAX_CHARS, IMAGE_CONTENT_TYPES, TITLE_MAX_CHARS } from '#lib/limits';
import { initiateUploadSchema } from '#lib/photos';
import { eventIdSchema } from '#lib/schemas';
import { parseOrThrow } from '#lib/validation';

const schema = initiateUploadSchema(DEFAULT_MAX_UPLOAD_BYTES);
const validBody = { title: 'Keynote', contentType: 'image/jpeg', size: 1234 };

/** Runs `fn`, which must throw a ValidationError, and returns it. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const parse = (body: unknown) => parseOrThrow(schema, body);
const rejectionOf = (body: unknown) => validationError(() => parse(body));

describe('initiateUploadSchema via parseOrThrow', () => {
  it('accepts a valid body, defaulting description and trimming the title', () => {
    expect(parse({ ...validBody, title: '  Keynote  ' })).toEqual({
      title: 'Keynote',
      description: '',
      contentType: 'image/jpeg',
      size: 1234,
    });
  });

  it.each(Object.keys(IMAGE_CONTENT_TYPES))('accepts content type %s', (contentType) => {
    expect(parse({ ...validBody, contentType }).contentType).toBe(contentType);
  });

  it.each(['image/svg+xml', 'text/html', 'IMAGE/JPEG', '', 42])('rejects content type %j with field contentType', (contentType) => {
    const error = rejectionOf({ ...validBody, contentType });
    expect(error.field).toBe('contentType');
    expect(error.status).toBe(400);
  });

  it('rejects a missing content type, listing the allowed ones', () => {
    const { contentType: _omitted, ...body } = validBody;
    const error = rejectionOf(body);
    expect(error.field).toBe('contentType');
    expect(error.message).toBe(`contentType must be one of ${Object.keys(IMAGE_CONTENT_TYPES).join(', ')}`);
  });

  it('requires size', () => {
    const { size: _omitted, ...body } = validBody;
    expect(rejectionOf(body).message).toBe('size is required');
  });

  it.each([0, -1, 1.5, '10', DEFAULT_MAX_UPLOAD_BYTES + 1, Number.NaN, null])('rejects size %j with field size', (size) => {
    expect(rejectionOf({ ...validBody, size }).field).toBe('size');
  });

  it('accepts the maximum size exactly and 1 byte', () => {
    expect(parse({ ...validBody, size: DEFAULT_MAX_UPLOAD_BYTES }).size).toBe(DEFAULT_MAX_UPLOAD_BYTES);
    expect(parse({ ...validBody, size: 1 }).size).toBe(1);
  });

  it('honours the configured maximum', () => {
    expect(validationError(() => parseOrThrow(initiateUploadSchema(100), { ...validBody, size: 101 })).field).toBe('size');
    expect(parseOrThrow(initiateUploadSchema(100), { ...validBody, size: 100 }).size).toBe(100);
  });

  // A present value of the wrong type is not "missing": the message must say what is wrong with it.
  it.each([
    ['10', 'size must be a number of bytes'],
    [1.5, 'size must be a whole number of bytes'],
  ])('explains why size %j is wrong instead of calling it missing', (size, message) => {
    expect(rejectionOf({ ...validBody, size }).message).toBe(message);
  });

  it('counts title length in code points: 200 emoji pass, 201 fail', () => {
    const emoji200 = '🎤'.repeat(TITLE_MAX_CHARS);
    expect(emoji200.length).toBe(400); // UTF-16 units: a naive .length check would reject it
    expect(parse({ ...validBody, title: emoji200 }).title).toBe(emoji200);

    const error = rejectionOf({ ...validBody, title: `${emoji200}🎤` });
    expect(error.field).toBe('title');
    expect(error.message).toContain('at most 200');
  });

  it('rejects 201 ASCII characters of title', () => {
    expect(rejectionOf({ ...validBody, title: 'a'.repeat(201) }).field).toBe('title');
  });

  it.each(['', ' ', '   \u00a0  '])('rejects the empty or whitespace title %j', (title) => {
    const error = rejectionOf({ ...validBody, title });
    expect(error.field).toBe('title');
    expect(error.message).toBe('title must not be empty');
  });

  it.each(['a\u0000b', 'a\u0007b', 'line\nbreak', 'tab\there', 'del\u007f', 'c1\u0085', 'cr\r'])(
    'rejects control characters in title %j',
    (title) => {
      const error = rejectionOf({ ...validBody, title });
      expect(error.field).toBe('title');
      expect(error.message).toContain('control characters');
    },
  );

  it('rejects a lone surrogate in title', () => {
    expect(rejectionOf({ ...validBody, title: 'bad \ud83c' }).field).toBe('title');
  });

  it('requires a title', () => {
    const { title: _omitted, ...body } = validBody;
    const error = rejectionOf(body);
    expect(error.field).toBe('title');
    expect(error.message).toBe('title is required');
  });

  it('accepts a 2000-character CJK description and rejects 2001', () => {
    const cjk2000 = '主'.repeat(DESCRIPTION_MAX_CHARS);
    expect(parse({ ...validBody, description: cjk2000 }).description).toBe(cjk2000);
    expect(rejectionOf({ ...validBody, description: `${cjk2000}题` }).field).toBe('description');
  });

  it('allows line breaks in description but not other control characters', () => {
    expect(parse({ ...validBody, description: 'line one\nline two\r\n\tindented' }).description).toBe('line one\nline two\r\n\tindented');
    expect(rejectionOf({ ...validBody, description: 'bell\u0007' }).field).toBe('description');
  });

  it('names an unknown extra field', () => {
    const error = rejectionOf({ ...validBody, isAdmin: true });
    expect(error.field).toBe('isAdmin');
    expect(error.message).toBe('isAdmin is not an allowed field');
  });

  it('rejects a body that is not an object with field body', () => {
    for (const body of [null, [], 'text', 7]) expect(rejectionOf(body).field).toBe('body');
  });

  it('accepts a 64-hex sha256 and lowercases it', () => {
    const upper = 'AB'.repeat(32);
    expect(parse({ ...validBody, sha256: upper }).sha256).toBe('ab'.repeat(32));
  });

  it.each(['ab'.repeat(31), 'ab'.repeat(33), 'g'.repeat(64), `${'a'.repeat(63)} `, ''])('rejects sha256 %j', (sha256) => {
    expect(rejectionOf({ ...validBody, sha256 }).field).toBe('sha256');
  });
});

describe('eventIdSchema', () => {
  it.each(['a/b', '..', '../x', 'a..b', 'a.b', 'a\u0000b', '', 'a'.repeat(65), '-leading', 'has space', 'x\n', 'é'])(
    'rejects %j',
    (eventId) => {
      expect(eventIdSchema.safeParse(eventId).success).toBe(false);
      expect(validationError(() => parseOrThrow(eventIdSchema, eventId, 'eventId')).field).toBe('eventId');
    },
  );

  it.each(['summit-2026', 'a', 'A_b-9', 'a'.repeat(64)])('accepts %j', (eventId) => {
    expect(parseOrThrow(eventIdSchema, eventId, 'eventId')).toBe(eventId);
  });
});

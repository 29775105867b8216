import { describe, expect, it } from 'vitest';
import { decodeMetadataValue, encodeMetadataValue, metadataSize } from '#lib/metadata-encoding';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

describe('encodeMetadataValue / decodeMetadataValue', () => {
  const values = [
    '키노트 연설 🎤',
    '主题演讲：第一天',
    'Café crème',
    'line one\nline two',
    'tab\there',
    '=?UTF-8?B?7YKk?=', // looks like an encoded word already
    '=?utf-8?b?SGk=?=', // same, lowercase
    '=?UTF-8?B??=',
    '',
    '🎤'.repeat(50),
  ];

  it.each(values)('round trips %j through printable ASCII', (value) => {
    const encoded = encodeMetadataValue(value);
    expect(encoded).toMatch(PRINTABLE_ASCII);
    expect(decodeMetadataValue(encoded)).toBe(value);
  });

  it('encodes non-ASCII as an RFC 2047 UTF-8 base64 encoded word', () => {
    const encoded = encodeMetadataValue('키노트 연설 🎤');
    expect(encoded).toBe(`=?UTF-8?B?${Buffer.from('키노트 연설 🎤', 'utf8').toString('base64')}?=`);
  });

  it.each(['Keynote', 'Day 1: opening', "it's ~100% {fine} [ok] <yes> = ?", ' padded '])(
    'passes printable ASCII %j through unchanged',
    (value) => {
      expect(encodeMetadataValue(value)).toBe(value);
      expect(decodeMetadataValue(value)).toBe(value);
    },
  );

  it('encodes a value that looks like an encoded word, so it is not decoded into something else', () => {
    const lookalike = `=?UTF-8?B?${Buffer.from('secret', 'utf8').toString('base64')}?=`;
    const encoded = encodeMetadataValue(lookalike);
    expect(encoded).not.toBe(lookalike);
    expect(decodeMetadataValue(encoded)).toBe(lookalike);
  });

  it('decodes the form S3 itself returns', () => {
    expect(decodeMetadataValue('=?UTF-8?B?7YKk64W47Yq4?=')).toBe('키노트');
    expect(decodeMetadataValue('=?utf-8?b?7YKk64W47Yq4?=')).toBe('키노트');
  });

  it('throws on an encoded word whose bytes are not UTF-8', () => {
    expect(() => decodeMetadataValue(`=?UTF-8?B?${Buffer.from([0xff, 0xfe]).toString('base64')}?=`)).toThrow();
  });
});

describe('metadataSize', () => {
  it('counts UTF-8 bytes of keys and values', () => {
    expect(metadataSize({ a: 'bc' })).toBe(3);
    expect(metadataSize({ title: '主' })).toBe(5 + 3);
    expect(metadataSize({ t: '🎤', u: 'é' })).toBe(1 + 4 + 1 + 2);
    expect(metadataSize({})).toBe(0);
  });
});

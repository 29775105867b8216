import { describe, expect, it } from 'vitest';
import { webAppUrlFrom } from '#lib/invite-links';
import { inviteUrl } from '#members/invites';

describe("the web app's address", () => {
  it.each([
    ['https://photos.example.com', 'https://photos.example.com'],
    ['https://photos.example.com/', 'https://photos.example.com'],
    ['http://127.0.0.1:4515', 'http://127.0.0.1:4515'],
    ['https://example.com/photos/', 'https://example.com/photos'],
    ['*', '*'],
  ])('takes %s as %s', (value, expected) => {
    expect(webAppUrlFrom(value)).toBe(expected);
  });

  it.each([
    'photos.example.com',
    'ftp://example.com',
    'https://example.com/?x=1',
    'https://example.com/#app',
    'https://user:pw@example.com',
    '',
  ])('refuses %j at cold start', (value) => {
    expect(() => webAppUrlFrom(value)).toThrow(/WEB_APP_URL/);
  });

  it('makes links that carry the event and the code, escaped', () => {
    expect(inviteUrl('https://photos.example.com', 'summit_2026', 'a-b_c')).toBe(
      'https://photos.example.com/?event=summit_2026&invite=a-b_c',
    );
    expect(inviteUrl('*', 'x', 'y')).toBe('/?event=x&invite=y');
  });
});

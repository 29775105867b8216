import { afterEach, describe, expect, it, vi } from 'vitest';

// config.ts reads the environment once, at import (a cold start): each case imports it afresh.
async function configWith(origin: string | undefined) {
  vi.stubEnv('CORS_ALLOWED_ORIGIN', origin);
  vi.resetModules();
  return (await import('#lib/config')).config;
}

describe('config CORS_ALLOWED_ORIGIN', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each(['*', 'https://app.example.com', 'http://127.0.0.1:4515'])('takes %s', async (origin) => {
    expect((await configWith(origin)).corsAllowedOrigin).toBe(origin);
  });

  it('fails the cold start naming the variable when it is missing', async () => {
    await expect(configWith(undefined)).rejects.toThrow('Environment variable CORS_ALLOWED_ORIGIN is required');
  });

  // What a browser sends in Origin never has these, so such a value would never match.
  it.each([
    ['a trailing slash', 'https://app.example.com/'],
    ['a path', 'https://app.example.com/app'],
    ['no scheme', 'app.example.com'],
    ['an upper-case host', 'https://App.example.com'],
    ['two origins', 'https://a.example.com,https://b.example.com'],
  ])('refuses an origin with %s, naming the variable', async (_name, origin) => {
    await expect(configWith(origin)).rejects.toThrow(/^Environment variable CORS_ALLOWED_ORIGIN must be '\*' or one origin/);
  });
});

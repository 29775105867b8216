import { UNKNOWN_UPLOADER_NAME } from '@event-photos/core';
import type { HttpEvent } from '#lib/http';

const NAME_MAX_CHARS = 64;
// Claims are user-editable text shown to others: no control, format (bidi, zero-width) characters.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * The caller's display name, shown to other users instead of its `sub`: the `name` or
 * `preferred_username` claim, else the local part of `email` (access tokens have none of them).
 */
export function callerName(event: HttpEvent): string {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const email = claims['email'];
  const candidates = [claims['name'], claims['preferred_username'], typeof email === 'string' ? email.split('@')[0] : undefined];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const name = [...candidate.replace(INVISIBLE, '').trim()].slice(0, NAME_MAX_CHARS).join('');
    if (name.length > 0) return name;
  }
  return UNKNOWN_UPLOADER_NAME;
}

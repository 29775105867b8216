// An invite link: `/?event=<eventId>&invite=<code>&name=<event name>`, what the organizer shares
// and its QR code holds. The code is a secret: it goes to the API in a POST body only, never into
// a log or a Referer (no-referrer), and leaves the address bar once the guest has joined.

/** Event names are at most this long (the API's limit): a longer `name` is cut. */
const NAME_MAX_CHARS = 200;

export interface InviteLink {
  eventId: string;
  code: string;
  /** The event's name as the link tells it (the app cannot read the event before joining); '' if none. */
  name: string;
}

/** The invite in this page's address, if it holds one. */
export function inviteInUrl(href = location.href): InviteLink | null {
  const params = new URL(href).searchParams;
  const eventId = params.get('event')?.trim();
  const code = params.get('invite')?.trim();
  if (!eventId || !code) return null;
  const name = [...(params.get('name') ?? '').replace(/\s+/g, ' ').trim()].slice(0, NAME_MAX_CHARS).join('');
  return { eventId, code, name };
}

/**
 * The link a guest opens: this app's address with the event, the code and the event's name (the
 * organizer chose to share it; it lets the page greet the guest with it before they sign in).
 */
export function inviteUrl(eventId: string, code: string, name: string): string {
  const url = new URL(location.href);
  url.search = `?${new URLSearchParams({ event: eventId, invite: code, name })}`;
  url.hash = '';
  return url.href;
}

/** Takes the code and the name out of the address bar (no new history entry): `?event=<eventId>` stays. */
export function forgetInviteInUrl(eventId: string): void {
  const url = new URL(location.href);
  url.search = `?${new URLSearchParams({ event: eventId })}`;
  history.replaceState(history.state, '', url.href);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The e-mails the local Cognito would send (verification and reset codes, invitations with a
 * temporary password), caught instead of sent so tests and developers can read them:
 * `GET {mailboxUrl}/messages?to=<email>` answers a JSON array, newest first. Kept in memory (the
 * latest 1,000): a restart empties it (the codes stay valid; ResendConfirmationCode or
 * ForgotPassword sends a new one). Served by the Cognito front under `/_mailbox`, on loopback
 * only and without CORS headers, so no web page can read it.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The code the message carries: a verification or reset code, or an invitation's temporary password. */
  code: string;
  /** ISO 8601. */
  sentAt: string;
}

export const MAILBOX_PATH = '/_mailbox';

export type Mailbox = ReturnType<typeof createMailbox>;

export function createMailbox({ max = 1_000, now = Date.now }: { max?: number; now?: () => number } = {}) {
  const messages: MailMessage[] = [];
  const list = (to?: string) => {
    const wanted = to?.trim().toLowerCase();
    return messages.filter((message) => wanted === undefined || message.to.toLowerCase() === wanted).reverse();
  };
  return {
    send(message: Omit<MailMessage, 'sentAt'>): MailMessage {
      const sent = { ...message, sentAt: new Date(now()).toISOString() };
      messages.push(sent);
      if (messages.length > max) messages.splice(0, messages.length - max);
      return sent;
    },
    /** Newest first; every message without `to`. */
    messages: list,
    /**
     * Answers a request under MAILBOX_PATH: `GET /_mailbox/messages[?to=]`. False: not the
     * mailbox's (the caller answers it).
     */
    handle(request: IncomingMessage, response: ServerResponse): boolean {
      const url = new URL(request.url ?? '/', 'http://mailbox');
      if (url.pathname !== MAILBOX_PATH && !url.pathname.startsWith(`${MAILBOX_PATH}/`)) return false;
      request.resume();
      const reply = (status: number, payload: unknown) => {
        const body = JSON.stringify(payload);
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
      };
      if (url.pathname !== `${MAILBOX_PATH}/messages`) reply(404, { message: `Not found: GET ${MAILBOX_PATH}/messages?to=<email>` });
      else if (request.method !== 'GET' && request.method !== 'HEAD') reply(405, { message: 'Only GET' });
      else reply(200, list(url.searchParams.get('to') ?? undefined));
      return true;
    },
  };
}

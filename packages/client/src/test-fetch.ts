import { vi } from 'vitest';

/** One request as the stubbed fetch saw it. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: RequestInit['body'];
}

type Reply = Response | Error | ((request: SeenRequest) => Response | Promise<Response>);

/**
 * Stubs the global fetch (unit tests only): answers the queued replies in order and records
 * every request. Call `vi.unstubAllGlobals()` after each test.
 */
export function stubFetch(...replies: Reply[]) {
  const requests: SeenRequest[] = [];
  const queue = [...replies];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const request: SeenRequest = {
      url: String(input instanceof Request ? input.url : input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: init.body,
    };
    requests.push(request);
    const reply = queue.shift();
    if (reply === undefined) throw new Error(`Unexpected fetch: ${request.method} ${request.url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(request) : reply;
  });
  vi.stubGlobal('fetch', fetchStub);
  return { requests, fetch: fetchStub };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

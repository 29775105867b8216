import { ApiError, apiErrorFrom, networkError } from '#lib/errors';
import { THROTTLED } from '#lib/retry';

export interface ApiRequestOptions {
  /** The HTTP API's base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com */
  apiUrl: string;
  /**
   * A current Cognito ID token, called before every API request. When the API answers 401 (the
   * token lapsed on the way, or the clock was off), it is called again with `{ refresh: true }`:
   * a token it got anew (refreshSession) makes the request go once more; the same token, not.
   */
  getToken: (options?: { refresh?: boolean }) => string | Promise<string>;
}

export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface ApiCall {
  body?: unknown;
  query?: Record<string, string | number | null | undefined>;
  signal?: AbortSignal | undefined;
}

/** One authorised JSON call to the photos API; `undefined` for a 204. Errors are ApiErrors. */
export type ApiRequest = <T>(method: ApiMethod, path: string, call?: ApiCall) => Promise<T>;

export function createApiRequest({ apiUrl, getToken }: ApiRequestOptions): ApiRequest {
  const baseUrl = apiUrl.replace(/\/+$/, '');
  return async <T>(method: ApiMethod, path: string, { body, query, signal }: ApiCall = {}): Promise<T> => {
    const send = async (token: string): Promise<Response> => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      try {
        return await fetch(`${baseUrl}${path}${queryString(query)}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        throw networkError(error, 'the photos API');
      }
    };
    const token = await getToken();
    let response = await send(token);
    // The gateway's authorizer answers 401 before any function runs: sending again is safe.
    if (response.status === 401) {
      const fresh = await getToken({ refresh: true });
      if (fresh !== token) {
        await response.body?.cancel();
        response = await send(fresh);
      }
    }
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };
}

/**
 * The ApiError of an error answer. A 429 without the API's `{ error: { code } }` envelope is API
 * Gateway's own throttling (`{"message":"Too Many Requests"}`): code THROTTLED, which is retried;
 * the API's own 429s (quotas, join attempts) keep their codes and are not.
 */
async function errorOf(response: Response): Promise<ApiError> {
  if (response.status !== 429) return apiErrorFrom(response);
  const text = await response.text().catch(() => '');
  const error = await apiErrorFrom(new Response(text, { status: 429, statusText: response.statusText, headers: response.headers }));
  if (hasErrorEnvelope(text)) return error;
  const retryAfter = error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds };
  return new ApiError(429, THROTTLED, error.message, retryAfter);
}

function hasErrorEnvelope(text: string): boolean {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null && 'error' in body;
  } catch {
    return false;
  }
}

function queryString(query: ApiCall['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

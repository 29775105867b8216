import { apiErrorFrom, networkError } from '#lib/errors';

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
    if (!response.ok) throw await apiErrorFrom(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };
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

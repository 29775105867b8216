import { ApiError, apiErrorFrom, networkError } from '#lib/errors';

export interface PutObjectOptions {
  method: string;
  /** Sent as given: the caller leaves out the headers a browser refuses to let scripts set. */
  headers: Record<string, string>;
  body: Blob;
  /** Bytes sent so far, of `total`. */
  onProgress?: ((loaded: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Sends a file to a presigned S3 URL. In a browser through XMLHttpRequest, the only API with upload
 * progress events (fetch has none); elsewhere (Node: scripts, tests) through fetch. Either way the
 * answer is read to its end, so a browser's developer tools show the PUT as done, not aborted.
 */
export function putObject(url: string, options: PutObjectOptions): Promise<void> {
  return typeof XMLHttpRequest === 'function' ? putWithXhr(url, options) : putWithFetch(url, options);
}

function putWithXhr(url: string, { method, headers, body, onProgress, signal }: PutObjectOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = (outcome: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : body.size));
    xhr.addEventListener('load', () =>
      settle(() => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(body.size, body.size);
          resolve();
          return;
        }
        const answer = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
        void apiErrorFrom(answer).then(reject);
      }),
    );
    xhr.addEventListener('error', () =>
      settle(() => reject(new ApiError(0, 'NetworkError', 'Could not reach the upload storage: the connection failed'))),
    );
    xhr.addEventListener('abort', () => settle(() => reject(signal?.reason ?? new DOMException('The upload was cancelled', 'AbortError'))));
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(body);
  });
}

async function putWithFetch(url: string, { method, headers, body, onProgress, signal }: PutObjectOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, ...(signal ? { signal } : {}) });
  } catch (error) {
    throw networkError(error, 'the upload storage');
  }
  if (!response.ok) throw await apiErrorFrom(response);
  await response.arrayBuffer();
  onProgress?.(body.size, body.size);
}

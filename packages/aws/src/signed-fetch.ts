import type { SignatureV4 } from '@smithy/signature-v4';

// One signed AWS request with fetch, for the few calls the functions make without an SDK client
// (aws-json-call.ts for SSM and Cognito, cloudfront-invalidator.ts, export-queue.ts's PutObject):
// the request built from its URL, signed with SigV4, sent with a timeout so that a stuck call
// fails the invocation well before Lambda's own timeout.

export interface SignedFetchRequest {
  method: 'POST' | 'PUT';
  url: URL;
  /** Every header to sign and send but `host`, which the URL gives. */
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The answer's status, headers and text; never throws on an error status (each caller reads its protocol's error). */
export async function signedFetch(
  signer: SignatureV4,
  { method, url, headers, body, timeoutMs }: SignedFetchRequest,
): Promise<Response & { text: string }> {
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: { ...headers, host: url.host },
    body,
  });
  const response = await fetch(url, { method, headers: signed.headers, body, signal: AbortSignal.timeout(timeoutMs) });
  return Object.assign(response, { text: await response.text() });
}

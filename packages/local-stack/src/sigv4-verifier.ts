import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

/** An S3 error as S3 reports it: HTTP status and XML error code. */
export class S3RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IncomingS3Request {
  method: string;
  /** The path exactly as sent (still percent-encoded). */
  rawPath: string;
  /** The query string exactly as sent, without '?'. */
  rawQuery: string;
  headers: Record<string, string | undefined>;
}

export interface VerifiedRequest {
  accessKeyId: string;
  signedHeaders: string[];
  /** x-amz-content-sha256 as signed: a hex digest, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  presigned: boolean;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** What a presigner adds to the query string; the signer generates them again. */
const PRESIGN_PARAMS = new Set([
  'X-Amz-Signature',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Content-Sha256',
]);

// The SDK signer takes a hash constructor; node:crypto does the hashing.
type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Data) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class NodeSha256 {
  private readonly hash;
  constructor(secret?: Data) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Data): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** Query parameters in order, decoded the way S3 does ('+' stays '+'). */
function parseQuery(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      try {
        return [decodeURIComponent(name), decodeURIComponent(value)];
      } catch {
        throw new S3RequestError(400, 'InvalidArgument', 'Malformed query string');
      }
    });
}

function parseAmzDate(value: string | undefined): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!match) throw new S3RequestError(403, 'AccessDenied', 'X-Amz-Date must be in the ISO8601 basic format');
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

function parseCredential(credential: string | undefined, expectedService: string) {
  const [accessKeyId, date, region, service, terminator] = (credential ?? '').split('/');
  if (!accessKeyId || !date || !region || service !== expectedService || terminator !== 'aws4_request') {
    throw new S3RequestError(400, 'AuthorizationQueryParametersError', 'Credential is malformed');
  }
  return { accessKeyId, date, region };
}

function sameSignature(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface VerifyOptions {
  /** The service in the credential scope; `s3` by default. */
  service?: string;
  /**
   * The whole request body, for services that sign its hash without sending it (all but S3,
   * whose payload hash is the x-amz-content-sha256 header and whose body the caller checks).
   */
  body?: Uint8Array;
}

/** Repeated parameters are all signed, as a list. */
function addQuery(query: Record<string, string | string[]>, key: string, value: string): void {
  const previous = query[key];
  query[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
}

/**
 * Verifies a request's SigV4 signature, presigned (query) or Authorization header, by
 * signing the same request again with the SDK's own SignatureV4 and comparing.
 * Throws S3RequestError with the status and code S3 would answer.
 */
export async function verifySigV4(
  request: IncomingS3Request,
  secretFor: (accessKeyId: string) => string | undefined,
  now = new Date(),
  { service = 's3', body }: VerifyOptions = {},
): Promise<VerifiedRequest> {
  const query = parseQuery(request.rawQuery);
  const param = (name: string) => query.find(([key]) => key === name)?.[1];
  const authorization = request.headers['authorization'];
  const presigned = param('X-Amz-Signature') !== undefined;
  if (!presigned && !authorization) throw new S3RequestError(403, 'AccessDenied', 'Access Denied');
  if (presigned && query.some(([key], index) => PRESIGN_PARAMS.has(key) && query.findIndex(([other]) => other === key) !== index)) {
    throw new S3RequestError(400, 'AuthorizationQueryParametersError', 'Repeated authorization query parameter');
  }

  let credential: string | undefined;
  let signedHeaderList: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  if (presigned) {
    if (param('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      throw new S3RequestError(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    credential = param('X-Amz-Credential');
    signedHeaderList = param('X-Amz-SignedHeaders');
    signature = param('X-Amz-Signature');
    amzDate = param('X-Amz-Date');
  } else {
    const match = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization!);
    if (!match) throw new S3RequestError(400, 'InvalidArgument', 'Unsupported Authorization Type');
    [, credential, signedHeaderList, signature] = match;
    amzDate = request.headers['x-amz-date'];
  }
  const { accessKeyId, date, region } = parseCredential(credential, service);
  const secret = secretFor(accessKeyId);
  if (secret === undefined) {
    throw new S3RequestError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const signingDate = parseAmzDate(amzDate);
  if (!amzDate!.startsWith(date)) throw new S3RequestError(403, 'SignatureDoesNotMatch', 'Credential date does not match X-Amz-Date');

  const signedHeaders = (signedHeaderList ?? '').split(';').filter(Boolean);
  if (!signedHeaders.includes('host')) throw new S3RequestError(403, 'AccessDenied', 'Host must be a signed header');
  // S3 refuses x-amz-* headers a signature does not cover: they could change the request's meaning.
  for (const name of Object.keys(request.headers)) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name) && !(presigned && name === 'x-amz-content-sha256')) {
      throw new S3RequestError(403, 'AccessDenied', 'There were headers present in the request which were not signed');
    }
  }

  let expiresIn = 0;
  if (presigned) {
    expiresIn = Number(param('X-Amz-Expires'));
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800) {
      throw new S3RequestError(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds');
    }
    if (now.getTime() > signingDate.getTime() + expiresIn * 1000) throw new S3RequestError(403, 'AccessDenied', 'Request has expired');
    if (signingDate.getTime() - now.getTime() > MAX_CLOCK_SKEW_MS)
      throw new S3RequestError(403, 'AccessDenied', 'Request is not valid yet');
  } else if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new S3RequestError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new S3RequestError(403, 'SignatureDoesNotMatch', `Signed header ${name} is missing`);
    headers[name] = value;
  }
  const declaredPayloadHash = presigned ? param('X-Amz-Content-Sha256') : request.headers['x-amz-content-sha256'];
  const payloadHash = body
    ? createHash('sha256').update(body).digest('hex')
    : (declaredPayloadHash ?? (presigned ? 'UNSIGNED-PAYLOAD' : ''));
  if (body && declaredPayloadHash !== undefined && declaredPayloadHash !== payloadHash) {
    throw new S3RequestError(
      400,
      'XAmzContentSHA256Mismatch',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey: secret },
    sha256: NodeSha256,
    uriEscapePath: false, // the path as sent (the only one non-S3 JSON services use is '/')
    applyChecksum: false,
  });
  const host = headers['host']!;
  const toSign = {
    method: request.method,
    protocol: 'http:',
    hostname: host.replace(/:\d+$/, ''),
    path: request.rawPath,
    headers,
    query: {} as Record<string, string | string[]>,
    ...(body ? { body } : {}),
  };

  let expected: string;
  if (presigned) {
    for (const [key, value] of query) if (!PRESIGN_PARAMS.has(key)) addQuery(toSign.query, key, value);
    const unhoistable = new Set(signedHeaders.filter((name) => name.startsWith('x-amz-')));
    const unsignable = new Set<string>();
    if (declaredPayloadHash !== undefined) {
      // Re-hoisted by the signer, exactly as the presigner put it into the URL.
      toSign.headers = { ...headers, 'X-Amz-Content-Sha256': payloadHash };
    } else if (!signedHeaders.includes('x-amz-content-sha256')) {
      // Not in the URL: the payload hash is UNSIGNED-PAYLOAD, and no query parameter is signed for it.
      toSign.headers = { ...headers, 'x-amz-content-sha256': payloadHash };
      unhoistable.add('x-amz-content-sha256');
      unsignable.add('x-amz-content-sha256');
    }
    const signed = await signer.presign(toSign, {
      signingDate,
      expiresIn,
      signableHeaders: new Set(signedHeaders),
      unhoistableHeaders: unhoistable,
      unsignableHeaders: unsignable,
    });
    expected = String(signed.query?.['X-Amz-Signature']);
  } else {
    for (const [key, value] of query) addQuery(toSign.query, key, value);
    const signed = await signer.sign(toSign, { signingDate, signableHeaders: new Set(signedHeaders) });
    expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  }
  if (!sameSignature(expected, signature ?? '')) {
    throw new S3RequestError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return { accessKeyId, signedHeaders, payloadHash, presigned };
}

/**
 * An error answer from the photos API, Cognito or S3, or a request that never got an answer.
 * `status` is the HTTP status (0 when the request failed before a response, e.g. network or CORS).
 */
export class ApiError extends Error {
  readonly status: number;
  /** `ValidationError`, `NotFound`, `Unauthorized`, a Cognito `__type`, an S3 error code... */
  readonly code: string;
  /** The request field the error is about, when the API names one. */
  readonly field?: string;
  /** How long to wait before trying again, when the answer said (Retry-After, e.g. on a 429). */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { field?: string | undefined; cause?: unknown; retryAfterSeconds?: number | undefined } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** waitForPhoto gave up: the upload finished but the photo was not processed in time. */
export class PhotoNotReadyError extends Error {
  readonly photoId: string;
  readonly timeoutMs: number;

  constructor(photoId: string, timeoutMs: number) {
    super(`Photo ${photoId} was not processed within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'PhotoNotReadyError';
    this.photoId = photoId;
    this.timeoutMs = timeoutMs;
  }
}

/** The upload held the same bytes as a photo the event already has (`duplicateOf`); it was discarded. */
export class PhotoDuplicateError extends Error {
  readonly photoId: string;
  readonly duplicateOf: string;

  constructor(photoId: string, duplicateOf: string) {
    super(`The event already holds this photo (${duplicateOf})`);
    this.name = 'PhotoDuplicateError';
    this.photoId = photoId;
    this.duplicateOf = duplicateOf;
  }
}

/** The uploaded file was refused by processing (wrong type, size, ...) and deleted. */
export class PhotoRejectedError extends Error {
  readonly photoId: string;
  readonly reason: string;

  constructor(photoId: string, reason: string) {
    super(reason);
    this.name = 'PhotoRejectedError';
    this.photoId = photoId;
    this.reason = reason;
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/**
 * Turns an error response into an ApiError. Understands the API's `{error:{code,message,field}}`,
 * API Gateway's own `{message}`, Cognito's `{__type,message}` and S3's XML `<Error>` bodies.
 */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const status = response.status;
  const retryAfterSeconds = retryAfterOf(response.headers.get('retry-after'));
  const retry = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  const fallbackCode = CODE_BY_STATUS[status] ?? 'HttpError';
  const fallbackMessage = `Request failed with HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body could not be read; the status is all there is.
  }

  const json = parseJson(text);
  if (isRecord(json)) {
    const error = json['error'];
    if (isRecord(error) && typeof error['message'] === 'string') {
      return new ApiError(status, stringOr(error['code'], fallbackCode), error['message'], {
        field: typeof error['field'] === 'string' ? error['field'] : undefined,
        ...retry,
      });
    }
    const message =
      typeof json['message'] === 'string' ? json['message'] : typeof json['Message'] === 'string' ? json['Message'] : undefined;
    if (typeof json['__type'] === 'string') {
      // Cognito: "NotAuthorizedException" or "com.amazonaws...#NotAuthorizedException".
      return new ApiError(status, json['__type'].split('#').pop()!, message ?? fallbackMessage, retry);
    }
    if (message !== undefined) return new ApiError(status, fallbackCode, message, retry);
  }

  const xmlCode = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  if (xmlCode) {
    const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    return new ApiError(status, xmlCode, xmlMessage ? decodeXmlEntities(xmlMessage) : fallbackMessage, retry);
  }
  return new ApiError(status, fallbackCode, fallbackMessage, retry);
}

/** Retry-After as seconds: a number of seconds, or an HTTP date (from now); nothing else. */
function retryAfterOf(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** A fetch that rejected (network, CORS, abort is passed through untouched). */
export function networkError(error: unknown, what: string): unknown {
  if (isAbort(error)) return error;
  return new ApiError(0, 'NetworkError', `Could not reach ${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function decodeXmlEntities(value: string): string {
  return value.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

/** Base class of every error the API reports to a client. `status` is the HTTP status. */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** The request field the error is about, when there is one. */
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    if (field !== undefined) this.field = field;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = 'ValidationError';
  constructor(field: string, message: string) {
    super(message, field);
  }
}

/** A request body in a media type the route does not take (ours take application/json only). */
export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'UnsupportedMediaType';
  constructor(field: string, message: string) {
    super(message, field);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'Unauthorized';
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'Forbidden';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'NotFound';
  constructor(message: string, field?: string) {
    super(message, field);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'Conflict';
}

/** An upload to an event its organizer has closed. */
export class EventClosedError extends AppError {
  readonly status = 409;
  readonly code = 'EventClosed';
}

/** Over a quota of uploads or bytes; `retryAfterSeconds` is when the window that is full ends (Retry-After). */
export class QuotaExceededError extends AppError {
  readonly status = 429;
  readonly code = 'QuotaExceeded';
  /** `retryAfterSeconds`: until an hourly window ends; none for a total (waiting frees nothing). */
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, 'quota');
  }
}

/** Too many attempts of something limited per user (joining events); `retryAfterSeconds` is when the caller may try again (Retry-After). */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'TooManyRequests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

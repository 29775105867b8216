import { ApiError, PhotoRejectedError } from '#lib/errors';

// The API names the field first ("title must not be empty"); people read "The title ...".
const FIELD_WORDS_IN_ENGLISH: Record<string, string> = {
  title: 'title',
  description: 'description',
  name: 'name',
  eventId: 'event ID',
  contentType: 'file type',
  size: 'file size',
};

/**
 * Every sentence this module says, in one place, in English (`translatePlainErrors` gives them in
 * the app's language). `{subject}`, `{field}`, `{reason}`, `{detail}` and `{minutes}` stand for
 * what each sentence is about.
 */
const IN_ENGLISH = {
  rejected: '{subject} was refused: {reason}.',
  failed: '{subject} did not work: {detail}.',
  somethingWrong: 'something went wrong',
  offline: '{subject} could not be sent: the connection failed. Check your connection and try again.',
  sessionExpired: 'Your session has expired. Please sign in again.',
  eventClosed: 'This event is closed: it takes no more photos.',
  uploadLinkExpired: 'The upload link for {subject} is no longer valid. Try again.',
  forbidden: 'You are not allowed to do that: only the uploader or the event’s organizer may.',
  noEvent: 'This event does not exist.',
  gone: '{subject} no longer exists.',
  serverProblem: '{subject} did not work: the service had a problem. Try again in a moment.',
  fieldProblem: 'The {field} of {subject} {detail}.',
  tooManyMinutes: 'Too many tries. Wait {minutes} minutes and try again.',
  tooManyOneMinute: 'Too many tries. Wait a minute and try again.',
  tooMany: 'Too many tries. Wait a few minutes and try again.',
  // Cognito's refusals (sign-in, sign-up, codes and passwords).
  wrongCredentials: 'Incorrect email or password.',
  lockedOut: 'Too many wrong passwords. Wait a few minutes, or reset your password.',
  challengeExpired: 'This step took too long. Sign in again.',
  codeMismatch: 'That code is not right. Check the e-mail we sent and try again.',
  codeExpired: 'That code has expired. Ask for a new one.',
  accountExists: 'There is already an account with this e-mail address. Sign in, or reset your password.',
  weakPassword: 'This password does not follow the rules: at least 12 characters, with upper and lower case letters, a digit and a symbol.',
  notConfirmed: 'Confirm your e-mail address first: enter the code we sent you.',
  badEmail: 'Check the e-mail address: it does not look right.',
  outerSpace: 'A password cannot start or end with a space.',
} as const;

type Sentences = Record<keyof typeof IN_ENGLISH, string>;
let TEXT: Sentences = IN_ENGLISH;
let FIELD_WORDS = FIELD_WORDS_IN_ENGLISH;

/**
 * Says every sentence (and field name) through `translate` from now on: the web app passes its
 * catalog's. Reasons the API gives (a rejection, a field's rule) stay in the API's words.
 */
export function translatePlainErrors(translate: (english: string) => string): void {
  const each = <T extends Record<string, string>>(table: T) =>
    Object.fromEntries(Object.entries(table).map(([key, english]) => [key, translate(english)])) as T;
  TEXT = each(IN_ENGLISH);
  FIELD_WORDS = each(FIELD_WORDS_IN_ENGLISH);
}

/** A sentence of TEXT with its placeholders filled in (whole sentences only: nothing is glued together). */
function fill(sentence: string, values: Record<string, string | number> = {}): string {
  return sentence.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Cognito's exception names, by what the person is told. */
const COGNITO: Record<string, keyof Sentences> = {
  CodeMismatchException: 'codeMismatch',
  ExpiredCodeException: 'codeExpired',
  LimitExceededException: 'tooMany',
  TooManyRequestsException: 'tooMany',
  TooManyFailedAttemptsException: 'tooMany',
  UsernameExistsException: 'accountExists',
  AliasExistsException: 'accountExists',
  InvalidPasswordException: 'weakPassword',
  UserNotConfirmedException: 'notConfirmed',
  UserNotFoundException: 'wrongCredentials',
  PasswordResetRequiredException: 'lockedOut',
};

/**
 * An error as a sentence for the person using the app: no status codes, field names or
 * exception names. `subject` is what it is about, e.g. the file name.
 */
export function plainErrorMessage(error: unknown, subject = 'This'): string {
  if (error instanceof PhotoRejectedError) return fill(TEXT.rejected, { subject, reason: error.reason }).replace(/\.\.$/, '.');
  if (!(error instanceof ApiError))
    return fill(TEXT.failed, { subject, detail: error instanceof Error && error.message ? error.message : TEXT.somethingWrong });
  const cognito = COGNITO[error.code];
  switch (true) {
    case error.status === 0:
      return fill(TEXT.offline, { subject });
    case cognito !== undefined:
      return cognito === 'tooMany' ? tooMany(error) : TEXT[cognito];
    case error.code === 'NotAuthorizedException':
      return notAuthorized(error.message);
    case error.code === 'InvalidParameterException':
      return /password/i.test(error.message)
        ? TEXT.outerSpace
        : /email|username/i.test(error.message)
          ? TEXT.badEmail
          : fill(TEXT.failed, { subject, detail: error.message }).replace(/\.\.$/, '.');
    case error.status === 401:
      return TEXT.sessionExpired;
    case error.status === 429:
      return tooMany(error);
    case error.code === 'EventClosed':
      return TEXT.eventClosed;
    case error.status === 403 && (error.code === 'AccessDenied' || error.code === 'SignatureDoesNotMatch'):
      return fill(TEXT.uploadLinkExpired, { subject });
    case error.status === 403:
      return TEXT.forbidden;
    case error.status === 404:
      return error.field === 'eventId' ? TEXT.noEvent : fill(TEXT.gone, { subject });
    case error.status >= 500:
      return fill(TEXT.serverProblem, { subject });
    case error.status === 400 && error.field !== undefined && error.message.startsWith(`${error.field} `): {
      const field = FIELD_WORDS[error.field] ?? error.field;
      return fill(TEXT.fieldProblem, { field, subject, detail: error.message.slice(error.field.length + 1) });
    }
    default:
      return fill(TEXT.failed, { subject, detail: error.message }).replace(/\.\.$/, '.');
  }
}

/** Cognito's NotAuthorizedException: a wrong password, a lockout, or a challenge answered too late. */
function notAuthorized(message: string): string {
  if (/attempts exceeded/i.test(message)) return TEXT.lockedOut;
  if (/session/i.test(message)) return TEXT.challengeExpired;
  if (/refresh token|revoked|expired/i.test(message)) return TEXT.sessionExpired;
  return TEXT.wrongCredentials;
}

/** Too many attempts: how long to wait, when the answer said (Retry-After). */
function tooMany(error: ApiError): string {
  const seconds = error.retryAfterSeconds;
  if (seconds === undefined) return TEXT.tooMany;
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? TEXT.tooManyOneMinute : fill(TEXT.tooManyMinutes, { minutes });
}

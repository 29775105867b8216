import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, PhotoRejectedError } from '#lib/errors';
import { plainErrorMessage, translatePlainErrors } from '#lib/plain-errors';

describe('plainErrorMessage', () => {
  it.each([
    [
      new ApiError(400, 'ValidationError', 'title must not contain control characters', { field: 'title' }),
      'The title of a.jpg must not contain control characters.',
    ],
    [
      new ApiError(0, 'NetworkError', 'Could not reach the photos API: Failed to fetch'),
      'a.jpg could not be sent: the connection failed. Check your connection and try again.',
    ],
    [new ApiError(409, 'EventClosed', 'Event x is closed'), 'This event is closed: it takes no more photos.'],
    [new ApiError(404, 'NotFound', 'Event x does not exist', { field: 'eventId' }), 'This event does not exist.'],
    [
      new ApiError(403, 'Forbidden', 'Only the uploader'),
      'You are not allowed to do that: only the uploader or the event’s organizer may.',
    ],
    [
      new ApiError(502, 'HttpError', 'Request failed with HTTP 502'),
      'a.jpg did not work: the service had a problem. Try again in a moment.',
    ],
    [
      new PhotoRejectedError('p', 'The file is image/png, not the declared image/jpeg'),
      'a.jpg was refused: The file is image/png, not the declared image/jpeg.',
    ],
  ])('%s', (error, expected) => {
    expect(plainErrorMessage(error, 'a.jpg')).toBe(expected);
  });

  it.each([
    [
      'CodeMismatchException',
      'Invalid verification code provided, please try again.',
      'That code is not right. Check the e-mail we sent and try again.',
    ],
    ['ExpiredCodeException', 'Invalid code provided, please request a code again.', 'That code has expired. Ask for a new one.'],
    ['LimitExceededException', 'Attempt limit exceeded, please try after some time.', 'Too many tries. Wait a few minutes and try again.'],
    ['NotAuthorizedException', 'Password attempts exceeded', 'Too many wrong passwords. Wait a few minutes, or reset your password.'],
    ['NotAuthorizedException', 'Incorrect username or password.', 'Incorrect email or password.'],
    ['NotAuthorizedException', 'Invalid session for the user, session is expired.', 'This step took too long. Sign in again.'],
    ['NotAuthorizedException', 'Refresh Token has been revoked', 'Your session has expired. Please sign in again.'],
    [
      'UsernameExistsException',
      'An account with the given email already exists.',
      'There is already an account with this e-mail address. Sign in, or reset your password.',
    ],
    [
      'InvalidPasswordException',
      'Password did not conform with policy: Password not long enough',
      'This password does not follow the rules: at least 12 characters, with upper and lower case letters, a digit and a symbol.',
    ],
    ['UserNotConfirmedException', 'User is not confirmed.', 'Confirm your e-mail address first: enter the code we sent you.'],
  ])('says Cognito’s %s (%s) in plain words', (code, message, expected) => {
    expect(plainErrorMessage(new ApiError(400, code, message), 'Signing in')).toBe(expected);
  });

  it('says how long to wait after too many tries, when the answer said', () => {
    const limited = (retryAfterSeconds?: number) => new ApiError(429, 'TooManyRequests', 'Too many join attempts', { retryAfterSeconds });
    expect(plainErrorMessage(limited(600))).toBe('Too many tries. Wait 10 minutes and try again.');
    expect(plainErrorMessage(limited(30))).toBe('Too many tries. Wait a minute and try again.');
    expect(plainErrorMessage(limited())).toBe('Too many tries. Wait a few minutes and try again.');
  });

  it('never shows a status code or an exception name', () => {
    const message = plainErrorMessage(new ApiError(401, 'Unauthorized', 'Unauthorized'));
    expect(message).toBe('Your session has expired. Please sign in again.');
  });
});

describe('translatePlainErrors', () => {
  afterEach(() => translatePlainErrors((english) => english));

  it('says every sentence and field name through the translation, placeholders filled after', () => {
    translatePlainErrors((english) => `«${english}»`);
    expect(plainErrorMessage(new ApiError(401, 'Unauthorized', 'x'))).toBe('«Your session has expired. Please sign in again.»');
    expect(plainErrorMessage(new ApiError(400, 'ValidationError', 'title must not be empty', { field: 'title' }), 'The photo')).toBe(
      '«The {field} of {subject} {detail}.»'
        .replace('{field}', '«title»')
        .replace('{subject}', 'The photo')
        .replace('{detail}', 'must not be empty'),
    );
  });
});

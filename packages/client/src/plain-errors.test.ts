import { describe, expect, it } from 'vitest';
import { ApiError, PhotoRejectedError } from '#lib/errors';
import { plainErrorMessage } from '#lib/plain-errors';

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

  it('never shows a status code or an exception name', () => {
    const message = plainErrorMessage(new ApiError(401, 'Unauthorized', 'Unauthorized'));
    expect(message).toBe('Your session has expired. Please sign in again.');
  });
});

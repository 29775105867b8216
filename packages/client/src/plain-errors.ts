import { ApiError, PhotoRejectedError } from '#lib/errors';

// The API names the field first ("title must not be empty"); people read "The title ...".
const FIELD_WORDS: Record<string, string> = {
  title: 'title',
  description: 'description',
  name: 'name',
  eventId: 'event ID',
  contentType: 'file type',
  size: 'file size',
};

/**
 * An error as a sentence for the person using the app: no status codes, field names or
 * exception names. `subject` is what it is about, e.g. the file name.
 */
export function plainErrorMessage(error: unknown, subject = 'This'): string {
  if (error instanceof PhotoRejectedError) return `${subject} was refused: ${error.reason}.`.replace(/\.\.$/, '.');
  if (!(error instanceof ApiError))
    return `${subject} did not work: ${error instanceof Error && error.message ? error.message : 'something went wrong'}.`;
  switch (true) {
    case error.status === 0:
      return `${subject} could not be sent: the connection failed. Check your connection and try again.`;
    case error.status === 401:
      return 'Your session has expired. Please sign in again.';
    case error.code === 'EventClosed':
      return 'This event is closed: it takes no more photos.';
    case error.status === 403 && (error.code === 'AccessDenied' || error.code === 'SignatureDoesNotMatch'):
      return `The upload link for ${subject} is no longer valid. Try again.`;
    case error.status === 403:
      return 'You are not allowed to do that: only the uploader or the event’s organizer may.';
    case error.status === 404:
      return error.field === 'eventId' ? 'This event does not exist.' : `${subject} no longer exists.`;
    case error.status >= 500:
      return `${subject} did not work: the service had a problem. Try again in a moment.`;
    case error.status === 400 && error.field !== undefined && error.message.startsWith(`${error.field} `): {
      const words = FIELD_WORDS[error.field] ?? error.field;
      return `The ${words} of ${subject} ${error.message.slice(error.field.length + 1)}.`;
    }
    default:
      return `${subject} did not work: ${error.message}.`.replace(/\.\.$/, '.');
  }
}

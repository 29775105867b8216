// The single table's keys. Everything of an event shares one partition (see photo-repository.ts).
export const eventPk = (eventId: string) => `EVENT#${eventId}`;
export const EVENT_SK = 'EVENT';
export const photoSk = (photoId: string) => `PHOTO#${photoId}`;
export const uploadSk = (photoId: string) => `UPLOAD#${photoId}`;
export const hashSk = (sha256: string) => `HASH#${sha256}`;
/** A quota counter of one clock hour: `USER#{sub}` or `EVENT`, then the hour's start. */
export const quotaSk = (scope: string, windowStart: string) => `QUOTA#${scope}#${windowStart}`;
/** A total (what the event, or one uploader, holds): no window, no TTL. */
export const quotaTotalSk = (scope: string) => `QUOTA#${scope}#TOTAL`;

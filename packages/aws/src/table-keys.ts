// The single table's keys. Everything of an event shares one partition (see photo-repository.ts).
export const eventPk = (eventId: string) => `EVENT#${eventId}`;
export const EVENT_SK = 'EVENT';
export const photoSk = (photoId: string) => `PHOTO#${photoId}`;
export const uploadSk = (photoId: string) => `UPLOAD#${photoId}`;
export const hashSk = (sha256: string) => `HASH#${sha256}`;
/** An edit or a delete of a photo, kept for the feed (photo-items.ts changeItem): ordered by when it was made. */
export const changeSk = (changedAt: string, photoId: string) => `CHANGE#${changedAt}#${photoId}`;
export const CHANGE_SK_PREFIX = 'CHANGE#';
/** A quota counter of one clock hour: `USER#{sub}` or `EVENT`, then the hour's start. */
export const quotaSk = (scope: string, windowStart: string) => `QUOTA#${scope}#${windowStart}`;
/** A total (what the event, or one uploader, holds): no window, no TTL. */
export const quotaTotalSk = (scope: string) => `QUOTA#${scope}#TOTAL`;
/** Who may see the event: its organizer (recorded at creation) and each member, one item per user (membership-items.ts). */
export const memberSk = (memberId: string) => `MEMBER#${memberId}`;
export const MEMBER_SK_PREFIX = 'MEMBER#';
/** An invite, by the id its code's hash gives it. */
export const inviteSk = (inviteId: string) => `INVITE#${inviteId}`;
export const INVITE_SK_PREFIX = 'INVITE#';
/** A user's own partition: what is counted per user across events (join attempts). */
export const userPk = (userId: string) => `USER#${userId}`;
export const joinAttemptsSk = (windowStart: string) => `JOINS#${windowStart}`;

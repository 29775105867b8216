/**
 * How long a photo may take from being stamped ready to being readable. A feed answer only moves
 * its cursor past what is at least this old; processing re-stamps a photo whose write took longer
 * than half of it (see process-upload.ts), so a feed never misses one.
 */
export const FEED_SETTLE_MS = 2000;

/**
 * How long the feed can tell of an edit or a delete (a change record's lifetime). A gallery whose
 * feed cursor is older than this may have missed some: it starts again from a first page.
 */
export const FEED_CHANGES_KEPT_SECONDS = 7 * 24 * 3600;

/**
 * How long a photo may take from being stamped ready to being readable. A feed answer only moves
 * its cursor past what is at least this old; processing re-stamps a photo whose write took longer
 * than half of it (see process-upload.ts), so a feed never misses one.
 */
export const FEED_SETTLE_MS = 2000;

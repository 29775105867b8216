/** Published photos never change (a new upload is a new photo id): a year, immutable. */
export const PUBLISHED_CACHE_CONTROL = 'public, max-age=31536000, immutable';

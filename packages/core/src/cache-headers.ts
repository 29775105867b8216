/** A signed URL works at most 30 min after access ends; `private`: shared proxies check no signature (the CDN's cache policy keeps the edge copy). */
export const PUBLISHED_CACHE_CONTROL = 'private, max-age=1800, immutable';

/** An untouched original, read only through a presigned GET minutes long: no cache keeps it. */
export const ORIGINAL_CACHE_CONTROL = 'private, no-store';

/** How long a presigned GET of an untouched original works: long enough to start a download, no more. */
export const ORIGINAL_URL_SECONDS = 300;

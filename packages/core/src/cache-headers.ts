/** A signed URL works at most 30 min after access ends; `private`: shared proxies check no signature (the CDN's cache policy keeps the edge copy). */
export const PUBLISHED_CACHE_CONTROL = 'private, max-age=1800, immutable';

import { cdnSignerFromEnv, type SignedEventQuery } from '@event-photos/aws';

// Photo bytes only for members: the CDN serves only signed URLs (infra.serverless.yml's key
// group), and the API signs the URLs of the photos it returns, after the handler has checked the
// caller's access to the event. One signature per event and window serves every URL of the event
// (@event-photos/aws's CdnSigner), so a page of photos costs at most one RSA signature.

/** Signs an event's photo URLs: @event-photos/aws's CdnSigner, or a test's. */
export interface EventUrlSigner {
  /** The query to append to every URL of the event, the same for the whole window. */
  signEventUrls(eventId: string): SignedEventQuery;
  /** What one signature covers: `{cdn}/photos/event_{eventId}/*`. */
  eventResource(eventId: string): string;
}

/** What a view holds URLs in: the original's `url` and each rendition's (an upload still processed has none). */
interface WithPhotoUrls {
  eventId: string;
  url?: string;
  renditions?: ReadonlyArray<{ url: string }>;
}

/**
 * The view with its event's signature on `url` and on every rendition's `url`, the same query on
 * each; everything else as it is (the placeholder is a data: URI, in the answer itself). Only URLs
 * under the event's prefix on the CDN are signed: a signature cannot serve anything else.
 */
export function signedPhotoView<T extends WithPhotoUrls>(view: T, signer: EventUrlSigner): T {
  if (view.url === undefined && !view.renditions?.length) return view;
  const { query } = signer.signEventUrls(view.eventId);
  const prefix = signer.eventResource(view.eventId).replace(/\*$/, '');
  const sign = (url: string) => (url.startsWith(prefix) ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url);
  return {
    ...view,
    ...(view.url !== undefined ? { url: sign(view.url) } : {}),
    ...(view.renditions ? { renditions: view.renditions.map((rendition) => ({ ...rendition, url: sign(rendition.url) })) } : {}),
  };
}

/**
 * The deployed functions' signer: its settings from the environment (CDN_KEY_PAIR_ID,
 * CDN_PRIVATE_KEY_PARAMETER, PHOTOS_CDN_BASE_URL, CDN_URL_WINDOW_SECONDS; serverless.yml gives
 * them to the functions that return photos) and the private key from Parameter Store, fetched
 * once per instance, started as the module loads. `await cdnSigner()` in the handler; a failed
 * fetch is tried again at the next invocation.
 */
export const cdnSigner: () => Promise<EventUrlSigner> = cdnSignerFromEnv();

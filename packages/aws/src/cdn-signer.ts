import { createPrivateKey } from 'node:crypto';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import { type AwsCallConfig, type AwsJsonService, awsCallConfigFromEnv, awsJsonCall } from '#lib/aws-json-call';

// CloudFront signed URLs for the photos of an event: one custom policy per event and time window,
// its resource `{cdn}/photos/event_{eventId}/*`, so ONE signature serves every photo and
// rendition URL of the event for the window. The same `Policy`, `Signature` and `Key-Pair-Id`
// parameters go on all of them; CloudFront's cache key leaves query strings out (the cache policy
// in infra.serverless.yml), so the edge keeps one copy of each object, and a browser's cache
// (keyed by the full URL) sees the same URL for the whole window.

/**
 * The longest window and grace (each): a URL signed just before access ends still works for at
 * most window + grace, so at most an hour.
 */
export const MAX_CDN_URL_WINDOW_SECONDS = 1800;
/** The default window (and grace): a URL works 15 to 30 minutes after it is signed. */
export const DEFAULT_CDN_URL_WINDOW_SECONDS = 900;

/** The query parameters a signed URL carries (custom policy); CloudFront strips them before its cache and origin. */
export const CDN_SIGNED_QUERY_PARAMETERS = ['Policy', 'Signature', 'Key-Pair-Id'] as const;

/** The event ids the API accepts (core's eventIdSchema): nothing CloudFront's policy wildcards (`*`, `?`) could match more with. */
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Past this many events in one window the cache starts over: a bound on memory, not a limit on signing. */
const MAX_CACHED_EVENTS = 10_000;

export interface CdnSignerConfig {
  /** The CloudFront public key's id (in the distribution's trusted key group). */
  keyPairId: string;
  /** The matching RSA private key, PEM. */
  privateKeyPem: string;
  /** Where the photos are served from, `https://{distribution domain}` (a trailing slash is ignored). */
  cdnBaseUrl: string;
  /** Signatures are made per window of this many seconds, aligned on the epoch. */
  windowSeconds: number;
  /** How long a signature outlives its window; the window's length by default. */
  graceSeconds?: number;
  /** Milliseconds since the epoch; for tests. */
  clock?: () => number;
}

export interface SignedEventQuery {
  /** `Policy=…&Signature=…&Key-Pair-Id=…`: append it to every URL of the event (after `?`, or `&` when it has a query). */
  query: string;
  /** When CloudFront stops accepting it (the policy's DateLessThan), ISO 8601. */
  expiresAt: string;
}

/**
 * Signs an event's photo URLs for CloudFront: a custom policy whose resource is every URL under
 * the event's prefix, valid until the end of the current window plus the grace. With windows of
 * W seconds and a grace of G, a URL works at least G seconds after it was handed out, and at most
 * W + G seconds after the caller's access ended (the API stops signing for them at once). One RSA
 * signature per event and window, kept until the window ends: a page of 100 photos costs one
 * signature at most, usually none.
 */
export class CdnSigner {
  private readonly baseUrl: string;
  private readonly graceSeconds: number;
  private readonly clock: () => number;
  private window = Number.NaN;
  private readonly cache = new Map<string, SignedEventQuery>();

  constructor(private readonly config: CdnSignerConfig) {
    const { keyPairId, privateKeyPem, cdnBaseUrl, windowSeconds, graceSeconds = windowSeconds } = config;
    if (!/^[A-Z0-9]{1,64}$/.test(keyPairId))
      throw new Error(`CDN key pair id must be CloudFront's public key id, not ${JSON.stringify(keyPairId)}`);
    for (const [name, value] of Object.entries({ windowSeconds, graceSeconds })) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_CDN_URL_WINDOW_SECONDS)
        throw new Error(`CDN URL ${name} must be a whole number of seconds from 1 to ${MAX_CDN_URL_WINDOW_SECONDS}, not ${value}`);
    }
    // Fails at cold start, not at the first photo: a key that is no PEM or not RSA.
    if (createPrivateKey(privateKeyPem).asymmetricKeyType !== 'rsa') throw new Error('The CDN private key must be an RSA key');
    const url = URL.parse(cdnBaseUrl);
    if (!url || !['https:', 'http:'].includes(url.protocol) || url.pathname.replace(/\/+$/, '') !== '' || url.search)
      throw new Error(`CDN base URL must be https://{domain}, not ${JSON.stringify(cdnBaseUrl)}`);
    this.baseUrl = url.origin;
    this.graceSeconds = graceSeconds;
    this.clock = config.clock ?? Date.now;
  }

  /** The resource one event's signature covers: every URL under its published prefix. */
  eventResource(eventId: string): string {
    if (!EVENT_ID.test(eventId)) throw new Error(`Not an event id: ${JSON.stringify(eventId)}`);
    return `${this.baseUrl}/photos/event_${eventId}/*`;
  }

  /** The signed query for every URL of the event, the same for the whole window. */
  signEventUrls(eventId: string): SignedEventQuery {
    const resource = this.eventResource(eventId);
    const { windowSeconds, keyPairId, privateKeyPem } = this.config;
    const window = Math.floor(this.clock() / 1000 / windowSeconds);
    if (window !== this.window || this.cache.size >= MAX_CACHED_EVENTS) {
      this.window = window;
      this.cache.clear();
    }
    const cached = this.cache.get(eventId);
    if (cached) return cached;
    const expires = (window + 1) * windowSeconds + this.graceSeconds;
    // Exactly the policy CloudFront checks: no white space, DateLessThan in epoch seconds.
    const policy = JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }] });
    // The cookie form holds the three values alone; each is already URL-safe (CloudFront's base64: -, _ and ~).
    const signed = getSignedCookies({ policy, keyPairId, privateKey: privateKeyPem });
    const signedQuery: SignedEventQuery = {
      query: `Policy=${signed['CloudFront-Policy']}&Signature=${signed['CloudFront-Signature']}&Key-Pair-Id=${signed['CloudFront-Key-Pair-Id']}`,
      expiresAt: new Date(expires * 1000).toISOString(),
    };
    this.cache.set(eventId, signedQuery);
    return signedQuery;
  }
}

// ------------------------------------------------------------------ the private key, from SSM

/** Where and as whom to call Parameter Store. */
export type ParameterStoreConfig = AwsCallConfig;

/** A Parameter Store error, named as SSM names it (`ParameterNotFound`, `AccessDeniedException`, ...). */
export { AwsServiceError as ParameterStoreError } from '#lib/aws-json-call';

const SSM: AwsJsonService = { signingName: 'ssm', targetPrefix: 'AmazonSSM' };

/** Lambda's region and role credentials, and the SDK's AWS_ENDPOINT_URL_SSM for emulators. */
export function parameterStoreFromEnv(env: NodeJS.ProcessEnv = process.env): ParameterStoreConfig {
  return awsCallConfigFromEnv(env, 'AWS_ENDPOINT_URL_SSM');
}

/**
 * One Parameter Store call, as @aws-sdk/client-ssm sends it (cdn-signer.test.ts compares the
 * two). Not the SDK client itself: its every-operation schemas and errors would add ~74 KiB to the
 * bundle of each function that signs photo URLs, for one call per cold start.
 */
export function parameterStoreCall(
  store: ParameterStoreConfig,
  operation: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return awsJsonCall(SSM, store, operation, input);
}

/**
 * The CDN private key from Parameter Store: a SecureString, decrypted by SSM (the AWS managed key
 * aws/ssm lets any principal of the account decrypt through SSM; `ssm:GetParameter` on the one
 * parameter is what the role needs). A plain String parameter is refused: the key must never sit
 * anywhere unencrypted.
 */
export async function loadCdnPrivateKey(store: ParameterStoreConfig, parameterName: string): Promise<string> {
  const { Parameter } = (await parameterStoreCall(store, 'GetParameter', { Name: parameterName, WithDecryption: true })) as {
    Parameter?: { Type?: string; Value?: string };
  };
  if (Parameter?.Type !== 'SecureString') throw new Error(`SSM parameter ${parameterName} must be a SecureString, not ${Parameter?.Type}`);
  if (!Parameter.Value) throw new Error(`SSM parameter ${parameterName} is empty`);
  return Parameter.Value;
}

/** What the signing functions' environment says (serverless.yml). */
export interface CdnSigningSettings {
  keyPairId: string;
  privateKeyParameter: string;
  cdnBaseUrl: string;
  windowSeconds: number;
}

/**
 * CDN_KEY_PAIR_ID, CDN_PRIVATE_KEY_PARAMETER, PHOTOS_CDN_BASE_URL and CDN_URL_WINDOW_SECONDS
 * (default 900). A missing one fails with its name.
 */
export function cdnSigningFromEnv(env: NodeJS.ProcessEnv = process.env): CdnSigningSettings {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`Environment variable ${name} is required`);
    return value;
  };
  const window = env['CDN_URL_WINDOW_SECONDS'];
  return {
    keyPairId: required('CDN_KEY_PAIR_ID'),
    privateKeyParameter: required('CDN_PRIVATE_KEY_PARAMETER'),
    cdnBaseUrl: required('PHOTOS_CDN_BASE_URL'),
    windowSeconds: window ? Number(window) : DEFAULT_CDN_URL_WINDOW_SECONDS,
  };
}

/**
 * The signer of a function: its settings read and its key fetched once, started at once (during
 * the cold start) and awaited by each invocation. A failed fetch is not kept: the next invocation
 * tries again.
 */
export function cdnSignerFromEnv({
  env = process.env,
  store,
}: {
  env?: NodeJS.ProcessEnv;
  store?: ParameterStoreConfig;
} = {}): () => Promise<CdnSigner> {
  let signer: Promise<CdnSigner> | undefined;
  const load = () => {
    if (signer) return signer;
    const loading = (async () => {
      const { privateKeyParameter, ...settings } = cdnSigningFromEnv(env);
      return new CdnSigner({
        ...settings,
        privateKeyPem: await loadCdnPrivateKey(store ?? parameterStoreFromEnv(env), privateKeyParameter),
      });
    })();
    loading.catch(() => {
      if (signer === loading) signer = undefined;
    });
    return (signer = loading);
  };
  load().catch(() => undefined); // the invocation that awaits it sees the error
  return load;
}

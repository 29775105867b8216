import { readServerlessFile, type Yaml } from '#lib/serverless-config';

/** A route's limits, as API Gateway's stage settings name them. */
export interface RouteThrottle {
  /** Requests per second, steady. */
  rateLimit: number;
  /** The bucket's size: requests that may come at once. */
  burstLimit: number;
}

/** The stage's throttling: every route's default, and routes of their own ("POST /events/{eventId}/photos/initiate-upload"). */
export interface StageThrottling {
  default?: RouteThrottle | undefined;
  routes: Record<string, RouteThrottle>;
}

/**
 * The HTTP API stage's throttling as serverless.yml sets it (resources.extensions.HttpApiStage:
 * DefaultRouteSettings and RouteSettings, the properties of AWS::ApiGatewayV2::Stage).
 */
export async function readStageThrottling(root: string, file = 'serverless.yml'): Promise<StageThrottling> {
  const doc = await readServerlessFile(root, file);
  const stage: Yaml = doc['resources']?.['extensions']?.['HttpApiStage']?.['Properties'] ?? {};
  const routes: Record<string, RouteThrottle> = {};
  for (const [routeKey, settings] of Object.entries<Yaml>(stage['RouteSettings'] ?? {})) {
    const limits = throttleOf(settings);
    if (limits) routes[routeKey] = limits;
  }
  return { default: throttleOf(stage['DefaultRouteSettings'] ?? {}), routes };
}

function throttleOf(settings: Yaml): RouteThrottle | undefined {
  const rateLimit = settings['ThrottlingRateLimit'];
  const burstLimit = settings['ThrottlingBurstLimit'];
  if (rateLimit === undefined && burstLimit === undefined) return undefined;
  return { rateLimit: Number(rateLimit ?? Number.POSITIVE_INFINITY), burstLimit: Number(burstLimit ?? Number.POSITIVE_INFINITY) };
}

/**
 * API Gateway's token bucket, one per route: a bucket holds up to `burstLimit` tokens and gains
 * `rateLimit` a second; each request takes one, and a request that finds none is answered 429
 * without running anything. A route named in `routes` has its own limits, every other one the
 * default's (each route its own bucket, as the stage's default route settings apply per route).
 */
export class RouteBuckets {
  readonly #throttling: StageThrottling;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(throttling: StageThrottling, now: () => number = Date.now) {
    this.#throttling = throttling;
    this.#now = now;
  }

  /** Takes a token for this route key ("POST /events/{eventId}/photos/initiate-upload"); false when there is none. */
  take(routeKey: string): boolean {
    const limits = this.#throttling.routes[routeKey] ?? this.#throttling.default;
    if (!limits) return true;
    const now = this.#now();
    const bucket = this.#buckets.get(routeKey) ?? { tokens: limits.burstLimit, at: now };
    bucket.tokens = Math.min(limits.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * limits.rateLimit);
    bucket.at = now;
    this.#buckets.set(routeKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

import { randomUUID } from 'node:crypto';
import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { type CdnInvalidator, type DeletedPhoto, invalidationPaths } from '@event-photos/core';
import { type AwsCallConfig, AwsServiceError, awsCallConfigFromEnv } from '#lib/aws-json-call';
import { signedFetch } from '#lib/signed-fetch';

// CreateInvalidation as CloudFront's REST-XML API takes it, signed here rather than through
// @aws-sdk/client-cloudfront: that client would bring every CloudFront operation's serializers
// into the delete routes' bundles, which the 280 KiB budget of the HTTP routes has no room for.

/** Where and as whom to invalidate, and which distribution. */
export interface CloudFrontConfig {
  credentials: AwsCallConfig['credentials'];
  distributionId: string;
  /** CloudFront's global endpoint when absent; an emulator's through AWS_ENDPOINT_URL_CLOUDFRONT. */
  endpoint?: string | undefined;
}

const API_VERSION = '2020-05-31';
const XMLNS = `http://cloudfront.amazonaws.com/doc/${API_VERSION}/`;
/** The API is global: one endpoint, always signed for us-east-1, whatever the function's region. */
const SIGNING_REGION = 'us-east-1';
const GLOBAL_ENDPOINT = 'https://cloudfront.amazonaws.com';
/** What CloudFront's ids look like (E2QWRUHAPOMQZL); the local stack's is LOCALCDN. */
const DISTRIBUTION_ID = /^[A-Z0-9]{1,64}$/;
/** A delete waits for the answer; a stuck call must not hold the route to its 10 s timeout. */
const TIMEOUT_MS = 4000;

/**
 * PHOTOS_CDN_DISTRIBUTION_ID (the infra stack's CdnDistributionId), Lambda's role credentials, and
 * the SDK's own AWS_ENDPOINT_URL_CLOUDFRONT for an emulator. Read once; a missing or malformed
 * variable fails with its name.
 */
export function cloudFrontFromEnv(env: NodeJS.ProcessEnv = process.env): CloudFrontConfig {
  const distributionId = env['PHOTOS_CDN_DISTRIBUTION_ID'];
  if (!distributionId) throw new Error('Environment variable PHOTOS_CDN_DISTRIBUTION_ID is required');
  if (!DISTRIBUTION_ID.test(distributionId)) {
    throw new Error(
      `Environment variable PHOTOS_CDN_DISTRIBUTION_ID must be a CloudFront distribution id such as E2QWRUHAPOMQZL, not ${JSON.stringify(distributionId)}`,
    );
  }
  const { credentials, endpoint } = awsCallConfigFromEnv({ ...env, AWS_REGION: SIGNING_REGION }, 'AWS_ENDPOINT_URL_CLOUDFRONT');
  if (endpoint !== undefined && !['http:', 'https:'].includes(URL.parse(endpoint)?.protocol ?? '')) {
    throw new Error(`Environment variable AWS_ENDPOINT_URL_CLOUDFRONT must be an http(s) URL, not ${JSON.stringify(endpoint)}`);
  }
  return { credentials, distributionId, endpoint };
}

/** Text for an XML element. */
const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
const elementText = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** The distribution's edge caches: deleted photos' paths, one CreateInvalidation per call. */
export class CloudFrontInvalidator implements CdnInvalidator {
  /** The API is global: always signed for us-east-1. Made once per instance, like an SDK client. */
  readonly #signer: SignatureV4;

  constructor(private readonly config: CloudFrontConfig) {
    this.#signer = new SignatureV4({ service: 'cloudfront', region: SIGNING_REGION, credentials: config.credentials, sha256: Sha256Node });
  }

  /**
   * One wildcard path per photo (up to 15 photos), every file's path above that; and again with
   * every file's path when CloudFront answers TooManyInvalidationsInProgress (its 15 wildcard
   * paths in progress are taken; the 3,000 file paths are counted apart). Any other refusal is
   * thrown, an AwsServiceError named as CloudFront names it.
   */
  async invalidatePhotos(eventId: string, photos: DeletedPhoto[]): Promise<void> {
    if (photos.length === 0) return;
    const plan = invalidationPaths(eventId, photos);
    try {
      await this.createInvalidation(plan.paths);
    } catch (error) {
      if (!plan.wildcard || !(error instanceof AwsServiceError) || error.name !== 'TooManyInvalidationsInProgress') throw error;
      await this.createInvalidation(invalidationPaths(eventId, photos, { explicit: true }).paths);
    }
  }

  /** CreateInvalidation of these paths, with a CallerReference of its own: the invalidation's id. */
  async createInvalidation(paths: string[]): Promise<string> {
    const base = new URL(this.config.endpoint ?? GLOBAL_ENDPOINT);
    const url = new URL(
      `${base.pathname.replace(/\/+$/, '')}/${API_VERSION}/distribution/${this.config.distributionId}/invalidation`,
      base,
    );
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      `<InvalidationBatch xmlns="${XMLNS}"><Paths><Quantity>${paths.length}</Quantity><Items>` +
      paths.map((path) => `<Path>${escapeXml(path)}</Path>`).join('') +
      `</Items></Paths><CallerReference>${randomUUID()}</CallerReference></InvalidationBatch>`;
    const response = await signedFetch(this.#signer, {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/xml' },
      body,
      timeoutMs: TIMEOUT_MS,
    });
    const { text } = response;
    if (response.status === 201) return elementText(text, 'Id') ?? '';
    // <ErrorResponse><Error><Type>Sender</Type><Code>NoSuchDistribution</Code><Message>...</Message></Error>...
    throw new AwsServiceError(
      elementText(text, 'Code') ?? 'UnknownError',
      elementText(text, 'Message') ?? text.slice(0, 200),
      response.status,
    );
  }
}

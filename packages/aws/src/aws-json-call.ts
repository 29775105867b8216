import { Sha256Node } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { signedFetch } from '#lib/signed-fetch';

// One call of an AWS JSON 1.1 API (a signed POST of the input as JSON, the operation in
// `X-Amz-Target`), as the SDK's clients send it. For the functions that make one kind of call to
// SSM or Cognito: the SDK client of either would bundle its every operation's schemas and errors
// (~74 KiB for SSM, 23 to 30 KiB for Cognito, measured) into a bundle that needs one. cdn-signer.test.ts and
// cognito-groups.test.ts compare the requests with the SDK's own.

/** Where and as whom to call an AWS API. */
export interface AwsCallConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** AWS's regional endpoint when absent; an emulator's through the SDK's AWS_ENDPOINT_URL_{SERVICE}. */
  endpoint?: string | undefined;
}

/** An API's protocol constants, as its SDK client holds them. */
export interface AwsJsonService {
  /** The SigV4 signing name, also the regional endpoint's host prefix: `ssm`, `cognito-idp`. */
  signingName: string;
  /** The `X-Amz-Target` prefix: `AmazonSSM`, `AWSCognitoIdentityProviderService`. */
  targetPrefix: string;
}

/** An error the API answered, named as the service names it (`ParameterNotFound`, `UserNotFoundException`, ...). */
export class AwsServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Lambda's region and role credentials (read now: Lambda does not rotate them within an
 * instance), and the endpoint in the SDK's `endpointVariable` (AWS_ENDPOINT_URL_SSM, ...) for
 * emulators. A missing one fails with its name.
 */
export function awsCallConfigFromEnv(env: NodeJS.ProcessEnv, endpointVariable: string): AwsCallConfig {
  const region = env['AWS_REGION'];
  if (!region) throw new Error('Environment variable AWS_REGION is required');
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) throw new Error('Environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are required');
  return {
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    endpoint: env[endpointVariable] || undefined,
  };
}

/** One signed awsJson1_1 call: the answer's JSON, or an AwsServiceError named as the service names it. */
export async function awsJsonCall(
  service: AwsJsonService,
  config: AwsCallConfig,
  operation: string,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const url = new URL(config.endpoint ?? `https://${service.signingName}.${config.region}.amazonaws.com`);
  const signer = new SignatureV4({
    service: service.signingName,
    region: config.region,
    credentials: config.credentials,
    sha256: Sha256Node,
  });
  const response = await signedFetch(signer, {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${service.targetPrefix}.${operation}` },
    body: JSON.stringify(input),
    // Lambda's own timeout is 10 s; a stuck call fails the invocation sooner, and the next one tries again.
    timeoutMs: 5000,
  });
  const { text } = response;
  let answer: Record<string, unknown> = {};
  try {
    answer = JSON.parse(text || '{}') as Record<string, unknown>;
  } catch {
    // Not JSON: the status says enough.
  }
  if (response.ok) return answer;
  // `__type` may carry a namespace (`com.amazonaws...#Name`), the header a suffix (`Name:http://...`).
  const type = String(answer['__type'] ?? response.headers.get('x-amzn-errortype') ?? 'UnknownError')
    .replace(/^.*#/, '')
    .replace(/:.*$/, '');
  throw new AwsServiceError(type, String(answer['message'] ?? answer['Message'] ?? text), response.status);
}

import { localize, type LocalResources } from '#lib/local-infra';
import { evaluate, type IntrinsicValues } from '#lib/serverless-config';
import type { FunctionSpec } from '#lib/serverless-functions';

export interface LocalEndpoints {
  s3Endpoint: string;
  dynamodbEndpoint: string;
  /** The local S3's only key pair (also what the functions sign upload URLs with). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Where the functions fetch the CDN private key (the local SSM front, on the CDN's port). */
  ssmEndpoint: string;
  /** Where the delete routes ask CloudFront to invalidate (the local CloudFront API, on the CDN's port). */
  cloudFrontEndpoint: string;
  /** The local CDN's public key id: what the deploy parameter cdnKeyPairId names on AWS. */
  cdnKeyPairId: string;
}

/**
 * A function's environment as Lambda gives it: serverless.yml's provider.environment and the
 * function's own, evaluated against the local stand-ins, plus the runtime's reserved variables.
 * Only the SDK's endpoints and credentials are local additions, and the CDN key's id where the
 * function declares CDN_KEY_PAIR_ID (a deploy parameter there, the local CDN's own key here; the
 * private key itself comes, as deployed, from Parameter Store: the local SSM front). `overrides`
 * (the developer's POWERTOOLS_LOG_LEVEL, the bench's raised limits) come last.
 */
export function functionEnvironment(
  spec: FunctionSpec,
  values: IntrinsicValues,
  local: LocalResources & LocalEndpoints,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const declared = Object.fromEntries(
    Object.entries(spec.environment).map(([name, value]) => [name, localize(String(evaluate(value, values)), local)]),
  );
  return {
    TZ: ':UTC',
    AWS_REGION: local.region,
    AWS_DEFAULT_REGION: local.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMB),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: local.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: local.credentials.secretAccessKey,
    ...declared,
    ...('CDN_KEY_PAIR_ID' in declared ? { CDN_KEY_PAIR_ID: local.cdnKeyPairId } : {}),
    AWS_ENDPOINT_URL_S3: local.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: local.dynamodbEndpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: local.cognitoEndpoint,
    AWS_ENDPOINT_URL_SSM: local.ssmEndpoint,
    AWS_ENDPOINT_URL_CLOUDFRONT: local.cloudFrontEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    ...overrides,
  };
}

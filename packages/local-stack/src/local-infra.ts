import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { evaluate, readServerlessFile, type IntrinsicValues, type Yaml } from '#lib/serverless-config';

/** What the local stack runs in place of the infra stack's resources. */
export interface LocalResources {
  region: string;
  accountId: string;
  bucketName: string;
  tableName: string;
  /** Where the local CDN answers (plain http on loopback). */
  cdnBaseUrl: string;
  cognitoEndpoint: string;
  userPoolId: string;
  userPoolClientId: string;
}

export interface Infra {
  resources: Record<string, Yaml>;
  outputs: Record<string, Yaml>;
  /** The logical id of the one resource of a type (the bucket, the table, ...). */
  idOf(type: string): string;
}

/** infra.serverless.yml, variables resolved: the bucket, table, CDN and user pool as deployed. */
export async function readInfra(root: string, file = 'infra.serverless.yml'): Promise<Infra> {
  const doc = await readServerlessFile(root, file);
  const resources: Record<string, Yaml> = doc['resources']?.['Resources'] ?? {};
  const outputs: Record<string, Yaml> = doc['resources']?.['Outputs'] ?? {};
  return {
    resources,
    outputs,
    idOf(type) {
      const ids = Object.keys(resources).filter((id) => resources[id]!['Type'] === type);
      if (ids.length !== 1) throw new Error(`${file}: the local stack expects exactly one ${type}, found ${ids.length}`);
      return ids[0]!;
    },
  };
}

/** The id the local stack gives the distribution (its Ref): what the delete routes invalidate. */
export const LOCAL_CDN_DISTRIBUTION_ID = 'LOCALCDN';

/**
 * The values CloudFormation would give the infra stack's Refs, attributes and exports, with the
 * local stand-ins in place of the AWS resources. The API stack's `Fn::ImportValue`s then
 * evaluate against the infra stack's own Outputs, so both files stay the one source of truth.
 */
export function localIntrinsics(infra: Infra, local: LocalResources): IntrinsicValues {
  const bucket = infra.idOf('AWS::S3::Bucket');
  const table = infra.idOf('AWS::DynamoDB::Table');
  const cdn = infra.idOf('AWS::CloudFront::Distribution');
  const cdnHost = new URL(local.cdnBaseUrl).host;
  const values: IntrinsicValues = {
    refs: {
      'AWS::Region': local.region,
      'AWS::AccountId': local.accountId,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      [bucket]: local.bucketName,
      [table]: local.tableName,
      [cdn]: LOCAL_CDN_DISTRIBUTION_ID,
      [infra.idOf('AWS::Cognito::UserPool')]: local.userPoolId,
      [infra.idOf('AWS::Cognito::UserPoolClient')]: local.userPoolClientId,
    },
    attributes: {
      [`${bucket}.Arn`]: `arn:aws:s3:::${local.bucketName}`,
      [`${table}.Arn`]: `arn:aws:dynamodb:${local.region}:${local.accountId}:table/${local.tableName}`,
      [`${cdn}.DomainName`]: cdnHost,
    },
  };
  const exports: Record<string, string> = {};
  for (const output of Object.values(infra.outputs)) {
    const exportName = output['Export']?.['Name'];
    if (exportName === undefined) continue;
    exports[String(evaluate(exportName, values))] = localize(String(evaluate(output['Value'], values)), local);
  }
  return { ...values, exports };
}

/**
 * AWS endpoints in evaluated values, pointed at the emulators. The local stack speaks plain http
 * on loopback: the CDN's `https://{domain}` and Cognito's issuer URL become the local ones.
 */
export function localize(text: string, local: LocalResources): string {
  return text
    .replaceAll(`https://cognito-idp.${local.region}.amazonaws.com`, local.cognitoEndpoint)
    .replaceAll(`https://${new URL(local.cdnBaseUrl).host}`, local.cdnBaseUrl);
}

/** The table as the infra stack declares it: keys, attributes, indexes, billing. */
export function tableDefinition(infra: Infra, tableName: string): CreateTableCommandInput {
  const properties: Yaml = infra.resources[infra.idOf('AWS::DynamoDB::Table')]!['Properties'];
  return {
    TableName: tableName,
    BillingMode: properties['BillingMode'],
    AttributeDefinitions: properties['AttributeDefinitions'],
    KeySchema: properties['KeySchema'],
    ...(properties['GlobalSecondaryIndexes'] ? { GlobalSecondaryIndexes: properties['GlobalSecondaryIndexes'] } : {}),
    ...(properties['LocalSecondaryIndexes'] ? { LocalSecondaryIndexes: properties['LocalSecondaryIndexes'] } : {}),
  };
}

export interface CorsRule {
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders?: string[];
  ExposedHeaders?: string[];
  MaxAge?: number;
}

/** The bucket's CORS rules as the infra stack declares them (origins from its parameter). */
export function bucketCorsRules(infra: Infra): CorsRule[] {
  const properties: Yaml = infra.resources[infra.idOf('AWS::S3::Bucket')]!['Properties'];
  // The rules use no Ref or attribute, only parameters and Fn::Split: nothing local to stand in.
  return evaluate(properties['CorsConfiguration']?.['CorsRules'] ?? [], { refs: {}, attributes: {} }) as CorsRule[];
}

/**
 * The key prefixes the bucket policy lets CloudFront read (its Origin Access Control statements):
 * what the local CDN serves. Everything else is 403 there, as it is through the distribution.
 */
export function cdnReadablePrefixes(infra: Infra): string[] {
  const policy: Yaml = infra.resources[infra.idOf('AWS::S3::BucketPolicy')]!['Properties']['PolicyDocument'];
  return (policy['Statement'] as Yaml[])
    .filter(
      (statement) =>
        statement['Effect'] === 'Allow' &&
        statement['Principal']?.['Service'] === 'cloudfront.amazonaws.com' &&
        statement['Action'] === 's3:GetObject',
    )
    .map((statement) => {
      // Fn::Join ['', [<bucket ARN>, '/photos/*']]: the prefix is the literal after the ARN.
      const suffix = (statement['Resource']['Fn::Join'][1] as unknown[]).at(-1);
      if (typeof suffix !== 'string' || !/^\/[a-z]+\/\*$/.test(suffix))
        throw new Error(`infra.serverless.yml: unexpected CloudFront read resource ${JSON.stringify(statement['Resource'])}`);
      return suffix.slice(1, -1);
    });
}

/**
 * Whether the distribution restricts viewer access (its behaviour trusts a key group): then the
 * local CDN takes only signed requests, checked against its own key (cdn-signing-key.ts), which
 * stands in for the key group's public keys. One behaviour, the default, is what it can follow.
 */
export function cdnRequiresSignedUrls(infra: Infra): boolean {
  const config: Yaml = infra.resources[infra.idOf('AWS::CloudFront::Distribution')]!['Properties']['DistributionConfig'];
  if ((config['CacheBehaviors'] ?? []).length > 0)
    throw new Error('infra.serverless.yml: the local CDN follows the default cache behaviour only, not CacheBehaviors');
  const groups = (config['DefaultCacheBehavior']?.['TrustedKeyGroups'] ?? []) as Yaml[];
  for (const group of groups) {
    const id = group?.['Ref'];
    if (typeof id !== 'string' || infra.resources[id]?.['Type'] !== 'AWS::CloudFront::KeyGroup')
      throw new Error(`infra.serverless.yml: TrustedKeyGroups must name a key group of the file (Ref), not ${JSON.stringify(group)}`);
  }
  return groups.length > 0;
}

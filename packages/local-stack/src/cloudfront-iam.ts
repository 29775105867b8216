import { wildcardMatch } from '#lib/cdn-signed-urls';
import { localIntrinsics, type Infra, type LocalResources } from '#lib/local-infra';
import { evaluate, readServerlessFile, type Yaml } from '#lib/serverless-config';

const ACTION = 'cloudfront:CreateInvalidation';

/** What the functions' roles in serverless.yml allow of CreateInvalidation, evaluated against the local stand-ins. */
export interface InvalidationPolicy {
  /** The functions whose own role may invalidate that distribution ARN (an explicit Deny wins, nothing is allowed by default). */
  functionsAllowed(distributionArn: string): string[];
  /**
   * Whether the functions' key pair may: the local functions share one (as for Cognito and SSM,
   * cognito-iam.ts), so a call is allowed when any function's role allows it.
   */
  allowed(distributionArn: string): boolean;
}

/**
 * Reads each function's cloudfront statements from serverless.yml, their resources evaluated
 * (`Fn::ImportValue` of the infra stack's CdnDistributionArn becomes the local distribution's
 * ARN). A statement the local front cannot evaluate (Condition, NotAction, ...) fails the start.
 */
export async function invalidationPolicy(
  root: string,
  infra: Infra,
  local: LocalResources,
  file = 'serverless.yml',
): Promise<InvalidationPolicy> {
  const doc = await readServerlessFile(root, file);
  const values = localIntrinsics(infra, local);
  const byFunction = new Map<string, Array<{ allow: boolean; resources: string[] }>>();
  for (const [name, fn] of Object.entries<Yaml>(doc['functions'] ?? {})) {
    const statements = [];
    for (const statement of (fn['iamRoleStatements'] ?? []) as Yaml[]) {
      const actions = ([] as string[]).concat(statement['Action'] ?? []);
      if (!actions.some((action) => wildcardMatch(action, ACTION, { ignoreCase: true }))) continue;
      if (['Condition', 'NotAction', 'NotResource', 'Principal'].some((key) => key in statement))
        throw new Error(`${file}: the local CloudFront front cannot evaluate ${name}'s cloudfront statement`);
      const resources = ([] as unknown[]).concat(evaluate(statement['Resource'] ?? [], values)).map(String);
      statements.push({ allow: statement['Effect'] === 'Allow', resources });
    }
    byFunction.set(name, statements);
  }
  const functionsAllowed = (arn: string) =>
    [...byFunction.entries()]
      .filter(([, statements]) => {
        const relevant = statements.filter((statement) => statement.resources.some((pattern) => wildcardMatch(pattern, arn)));
        return relevant.some((statement) => statement.allow) && !relevant.some((statement) => !statement.allow);
      })
      .map(([name]) => name)
      .sort();
  return { functionsAllowed, allowed: (arn) => functionsAllowed(arn).length > 0 };
}

/** The ARN IAM gives a distribution (CloudFront is global: no region). */
export function distributionArn(accountId: string, distributionId: string): string {
  return `arn:aws:cloudfront::${accountId}:distribution/${distributionId}`;
}

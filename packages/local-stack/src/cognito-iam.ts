import { CognitoRequestError } from '#lib/cognito-errors';
import { localIntrinsics, type Infra, type LocalResources } from '#lib/local-infra';
import { evaluate, readServerlessFile, type Yaml } from '#lib/serverless-config';

/** One statement of an identity policy, its intrinsics evaluated. */
export interface IamStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

/**
 * A caller of the Cognito admin API other than the stack's admin: its key pair, and what its
 * identity policy lets it do there. Cognito asks IAM about every admin call; the local front asks this.
 */
export interface CognitoPrincipal {
  /** As AWS names the caller in AccessDeniedException. */
  arn: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Its cognito-idp statements. */
  statements: IamStatement[];
  /** The ARN IAM gives a user pool: `arn:aws:cognito-idp:{region}:{account}:userpool/{id}`. */
  userPoolArn(userPoolId: string): string;
}

/**
 * The functions' principal: the key pair every local function has (Lambda gives each its role's;
 * here they share one), allowed what their roles in serverless.yml allow in cognito-idp, the
 * resources evaluated against the local pool. Functions whose roles grant none add nothing.
 */
export async function functionsPrincipal(
  root: string,
  infra: Infra,
  local: LocalResources & { credentials: CognitoPrincipal['credentials'] },
  file = 'serverless.yml',
): Promise<CognitoPrincipal> {
  const doc = await readServerlessFile(root, file);
  const values = localIntrinsics(infra, local);
  const statements: IamStatement[] = [];
  for (const [name, fn] of Object.entries<Yaml>(doc['functions'] ?? {})) {
    for (const statement of (fn['iamRoleStatements'] ?? []) as Yaml[]) {
      const actions = ([] as string[]).concat(statement['Action'] ?? []);
      if (!actions.some((action) => /^cognito-idp:/i.test(action))) continue;
      // What the local front cannot evaluate it must not guess at: a start fails, naming it.
      const unsupported = ['Condition', 'NotAction', 'NotResource', 'Principal'].filter((key) => key in statement);
      if (unsupported.length > 0 || (statement['Effect'] !== 'Allow' && statement['Effect'] !== 'Deny')) {
        throw new Error(
          `${file}: the local Cognito cannot evaluate ${name}'s cognito-idp statement (${unsupported.join(', ') || 'Effect'})`,
        );
      }
      const resources = ([] as unknown[]).concat(evaluate(statement['Resource'] ?? [], values)).map(String);
      statements.push({ effect: statement['Effect'], actions, resources });
    }
  }
  return {
    arn: `arn:aws:sts::${local.accountId}:assumed-role/event-photos-local-functions/local-functions`,
    credentials: local.credentials,
    statements,
    userPoolArn: (userPoolId) => `arn:aws:cognito-idp:${local.region}:${local.accountId}:userpool/${userPoolId}`,
  };
}

/**
 * Refuses, as IAM makes Cognito refuse, a call its principal's policy does not allow: an explicit
 * Deny wins, then any Allow; nothing is allowed by default. The resource is the pool the call
 * names (`*` for calls that name none, such as ListUserPools).
 */
export function authorizeCognitoCall(principal: CognitoPrincipal, operation: string, call: Record<string, unknown>): void {
  const action = `cognito-idp:${operation}`;
  const poolId = call['UserPoolId'];
  const resource = typeof poolId === 'string' && poolId !== '' ? principal.userPoolArn(poolId) : '*';
  const applies = (statement: IamStatement) =>
    statement.actions.some((pattern) => wildcard(pattern, action, 'i')) &&
    statement.resources.some((pattern) => wildcard(pattern, resource, ''));
  const relevant = principal.statements.filter(applies);
  const denied = relevant.some((statement) => statement.effect === 'Deny');
  if (!denied && relevant.some((statement) => statement.effect === 'Allow')) return;
  const why = denied ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  throw new CognitoRequestError(
    400,
    'AccessDeniedException',
    `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
  );
}

/** IAM's matching of actions and resources: `*` any run of characters, `?` any one. */
function wildcard(pattern: string, value: string, flags: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`, `s${flags}`).test(value);
}

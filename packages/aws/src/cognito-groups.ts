import { type AwsCallConfig, type AwsJsonService, AwsServiceError, awsCallConfigFromEnv, awsJsonCall } from '#lib/aws-json-call';

// Not @aws-sdk/client-cognito-identity-provider: its every-operation schemas and errors would add
// 23 to 30 KiB (minified) to the bundle of each function that checks organizer rights, for one kind of call.
// AdminListGroupsForUser is sent as that client sends it (cognito-groups.test.ts compares the two).

/** Where and as whom to call the user pool's admin API. */
export type CognitoConfig = AwsCallConfig;

const COGNITO: AwsJsonService = { signingName: 'cognito-idp', targetPrefix: 'AWSCognitoIdentityProviderService' };

/**
 * Lambda's region and role credentials, and the SDK's own AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER
 * variable, so the same code talks to AWS or to the local emulator. A missing one fails with its name.
 */
export function cognitoFromEnv(env: NodeJS.ProcessEnv = process.env): CognitoConfig {
  return awsCallConfigFromEnv(env, 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER');
}

/** AdminListGroupsForUser answers at most 60 groups a page. */
const PAGE_SIZE = 60;

interface GroupsPage {
  Groups?: Array<{ GroupName?: string }>;
  NextToken?: string;
}

/**
 * Group membership as the user pool holds it now, not as a token said when it was signed (a
 * token keeps its `cognito:groups` for up to an hour after an admin removes the user). Needs
 * `cognito-idp:AdminListGroupsForUser` on the pool.
 */
export class CognitoGroups {
  constructor(
    private readonly cognito: CognitoConfig,
    private readonly userPoolId: string,
  ) {}

  /**
   * Whether the pool holds the user in `group`. `username` is the user's username: a token's
   * `cognito:username` (for a pool signing in with e-mail, the generated one, not the address),
   * or its `sub`. A user that no longer exists is in no group; any other failure is thrown (an
   * AwsServiceError named as Cognito names it).
   */
  async isMember(username: string, group: string): Promise<boolean> {
    let nextToken: string | undefined;
    try {
      do {
        const page = (await awsJsonCall(COGNITO, this.cognito, 'AdminListGroupsForUser', {
          UserPoolId: this.userPoolId,
          Username: username,
          Limit: PAGE_SIZE,
          NextToken: nextToken,
        })) as GroupsPage;
        if (page.Groups?.some((found) => found.GroupName === group)) return true;
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      if (error instanceof AwsServiceError && error.name === 'UserNotFoundException') return false;
      throw error;
    }
    return false;
  }
}

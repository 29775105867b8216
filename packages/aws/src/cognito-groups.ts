import { fromEnv } from '@aws-sdk/credential-provider-env';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  type CognitoIdentityProviderClientConfig,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';

// The endpoint comes from the SDK's own AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER variable, so
// the same code talks to AWS or to the local emulator. `config` is for tools that talk to a given endpoint.
export function createCognitoClient(config: CognitoIdentityProviderClientConfig = {}): CognitoIdentityProviderClient {
  // Lambda's credentials are in the environment; tools pass their own.
  return new CognitoIdentityProviderClient({ credentials: fromEnv(), ...config });
}

/** AdminListGroupsForUser answers at most 60 groups a page. */
const PAGE_SIZE = 60;

/**
 * Group membership as the user pool holds it now, not as a token said when it was signed (a
 * token keeps its `cognito:groups` for up to an hour after an admin removes the user). Needs
 * `cognito-idp:AdminListGroupsForUser` on the pool. The client is the caller's, created once.
 */
export class CognitoGroups {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  /**
   * Whether the pool holds the user in `group`. `username` is the user's username: a token's
   * `cognito:username` (for a pool signing in with e-mail, the generated one, not the address),
   * or its `sub`. A user that no longer exists is in no group.
   */
  async isMember(username: string, group: string): Promise<boolean> {
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.cognito.send(
          new AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username: username, Limit: PAGE_SIZE, NextToken: nextToken }),
        );
        if (page.Groups?.some((found) => found.GroupName === group)) return true;
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      if (error instanceof UserNotFoundException) return false;
      throw error;
    }
    return false;
  }
}

import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';
import { CognitoGroups, cognitoFromEnv } from '@event-photos/aws';
import { type GroupCheck, tokenGroups } from '#lib/event-organizer';
import { callerId, type HttpEvent } from '#lib/http';

// Only the handlers that decide organizer rights import this module: only their bundles hold the
// Cognito call, and only their roles may call AdminListGroupsForUser (serverless.yml).

/**
 * The user's username in the pool: the token's `cognito:username` (for a pool that signs in with
 * e-mail, the generated one, not the address), else its `sub`, which Cognito also takes.
 */
export function cognitoUsername(event: HttpEvent): string {
  const username = event.requestContext.authorizer?.jwt?.claims?.['cognito:username'];
  return typeof username === 'string' && username.length > 0 ? username : callerId(event);
}

/**
 * Membership as the handlers check it: the token must name the group (no call when it does not),
 * and the pool must still hold the user in it; a token keeps its groups for up to an hour after an
 * admin removes the user. One call per request and group, however many checks ask.
 */
export function liveGroupCheck(groups: Pick<CognitoGroups, 'isMember'>): GroupCheck {
  const asked = new WeakMap<HttpEvent, Map<string, Promise<boolean>>>();
  return (event, group) => {
    const answers = asked.get(event) ?? new Map<string, Promise<boolean>>();
    asked.set(event, answers);
    let answer = answers.get(group);
    if (!answer) {
      answer = (async () => (await tokenGroups(event, group)) && groups.isMember(cognitoUsername(event), group))();
      answers.set(group, answer);
    }
    return answer;
  };
}

// Read once per cold start; a missing variable fails the init with its name.
const userPoolId = getStringFromEnv({ key: 'USER_POOL_ID' });

/** The deployed functions' check: the user pool's answer. Its settings are read once per module load. */
export const liveGroups: GroupCheck = liveGroupCheck(new CognitoGroups(cognitoFromEnv(), userPoolId));

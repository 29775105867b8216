import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  NotAuthorizedException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoGroups } from '#lib/cognito-groups';

const POOL_ID = 'eu-west-1_TestPool1';
const USERNAME = '0b6e8c1a-5f2d-4c7e-9a41-3d2f7b8e6c10';
const cognito = mockClient(CognitoIdentityProviderClient);
const groups = new CognitoGroups(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), POOL_ID);
const named = (...names: string[]) => names.map((GroupName) => ({ GroupName, UserPoolId: POOL_ID }));

beforeEach(() => {
  cognito.reset();
});

describe('CognitoGroups.isMember', () => {
  it('asks the pool for the user by username, 60 groups a page', async () => {
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: named('organizers') });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(true);
    expect(cognito.commandCalls(AdminListGroupsForUserCommand).map((call) => call.args[0].input)).toEqual([
      { UserPoolId: POOL_ID, Username: USERNAME, Limit: 60, NextToken: undefined },
    ]);
  });

  it('is false when the pool holds the user in other groups only, or in none', async () => {
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolvesOnce({ Groups: named('admins', 'Organizers') })
      .resolvesOnce({ Groups: [] });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
  });

  it('follows NextToken until the group is found, and no further', async () => {
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolvesOnce({ Groups: named('a', 'b'), NextToken: 'page-2' })
      .resolvesOnce({ Groups: named('c', 'organizers'), NextToken: 'page-3' })
      .resolvesOnce({ Groups: named('d') });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(true);
    expect(cognito.commandCalls(AdminListGroupsForUserCommand).map((call) => call.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it('reads every page before it says no', async () => {
    cognito
      .on(AdminListGroupsForUserCommand)
      .resolvesOnce({ Groups: named('a'), NextToken: 'page-2' })
      .resolvesOnce({ Groups: named('b'), NextToken: 'page-3' })
      .resolvesOnce({ Groups: named('c') });
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
    expect(cognito.commandCalls(AdminListGroupsForUserCommand)).toHaveLength(3);
  });

  it('puts a user that no longer exists in no group', async () => {
    cognito
      .on(AdminListGroupsForUserCommand)
      .rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: { httpStatusCode: 400 } }));
    await expect(groups.isMember(USERNAME, 'organizers')).resolves.toBe(false);
  });

  it('lets any other failure through: an unanswered question is no answer', async () => {
    const denied = new NotAuthorizedException({ message: 'not authorized', $metadata: { httpStatusCode: 400 } });
    cognito.on(AdminListGroupsForUserCommand).rejects(denied);
    await expect(groups.isMember(USERNAME, 'organizers')).rejects.toBe(denied);
  });
});

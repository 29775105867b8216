import { AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { LocalStackOutputs } from '@event-photos/local-stack';
import { cognitoClient } from '@event-photos/local-stack/test-support';

/**
 * A user of the local pool, as an administrator makes one: a verified e-mail, a permanent password
 * (no first-sign-in challenge), and the given groups. Signs in as the demo users do.
 */
export async function createUser(
  outputs: LocalStackOutputs,
  { email, password, groups = [] }: { email: string; password: string; groups?: string[] },
): Promise<void> {
  const cognito = cognitoClient(outputs);
  const user = { UserPoolId: outputs.userPoolId, Username: email };
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        ...user,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await cognito.send(new AdminSetUserPasswordCommand({ ...user, Password: password, Permanent: true }));
    for (const group of groups) await cognito.send(new AdminAddUserToGroupCommand({ ...user, GroupName: group }));
  } finally {
    cognito.destroy();
  }
}

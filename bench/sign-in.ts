// The local stack's demo users, signed in as the web app signs in (Cognito SRP against the local Cognito).
import { signIn } from '@event-photos/client';
import type { LocalStackOutputs } from '@event-photos/local-stack';

/** A demo attendee (no group) or organizer (the organizers group). */
export function demoUser(outputs: LocalStackOutputs, role: 'attendee' | 'organizer'): { email: string; password: string } {
  const user = outputs.demoUsers.find((candidate) =>
    role === 'organizer' ? candidate.groups.includes('organizers') : candidate.groups.length === 0,
  );
  if (!user) throw new Error(`the local stack has no demo ${role}`);
  return user;
}

/** The ID token of a demo user: what the web app sends as its bearer token. */
export async function idTokenOf(outputs: LocalStackOutputs, role: 'attendee' | 'organizer'): Promise<string> {
  const { email, password } = demoUser(outputs, role);
  const { idToken } = await signIn({
    cognitoEndpoint: outputs.cognitoEndpoint,
    region: outputs.region,
    userPoolId: outputs.userPoolId,
    clientId: outputs.userPoolClientId,
    email,
    password,
  });
  return idToken;
}

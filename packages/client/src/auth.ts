import { ApiError, apiErrorFrom, networkError } from '#lib/errors';

export interface SignInOptions {
  /** Cognito's API endpoint; defaults to `https://cognito-idp.{region}.amazonaws.com/`. */
  cognitoEndpoint?: string | undefined;
  region: string;
  /** The user pool app client (public: no client secret). */
  clientId: string;
  email: string;
  password: string;
  signal?: AbortSignal | undefined;
}

export interface SignInResult {
  /** Send this one to the photos API (`Authorization: Bearer <idToken>`). */
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** When the ID and access tokens expire. */
  expiresAt: Date;
}

/** Cognito's public API endpoint for a region. */
export function cognitoEndpointFor(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/`;
}

/**
 * Signs in with Cognito's USER_PASSWORD_AUTH flow through its JSON API (no SDK).
 * Rejects with an ApiError: Cognito's exception name as `code` (e.g. NotAuthorizedException),
 * or `ChallengeRequired` when the user must first answer a challenge (new password, MFA).
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const endpoint = options.cognitoEndpoint ?? cognitoEndpointFor(options.region);
  const startedAt = Date.now();
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: options.clientId,
        AuthParameters: { USERNAME: options.email, PASSWORD: options.password },
      }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw networkError(error, 'the sign-in service');
  }
  if (!response.ok) throw await apiErrorFrom(response);

  const body = (await response.json()) as {
    AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string; ExpiresIn?: number };
    ChallengeName?: string;
  };
  const result = body.AuthenticationResult;
  if (!result?.IdToken || !result.AccessToken) {
    const challenge = body.ChallengeName;
    throw new ApiError(
      response.status,
      challenge ? 'ChallengeRequired' : 'InvalidResponse',
      challenge
        ? `Sign-in needs the ${challenge} step, which this app does not support yet`
        : 'The sign-in service answered without tokens',
    );
  }
  return {
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresAt: new Date(startedAt + (result.ExpiresIn ?? 3600) * 1000),
  };
}

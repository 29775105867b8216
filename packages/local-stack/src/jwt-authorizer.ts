import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtClaims } from '@event-photos/testing';

/**
 * Verifies a bearer token the way an API Gateway HTTP API JWT authorizer does: RS256 signature
 * against the issuer's JWKS, `iss`, expiry (`exp`, `nbf`), and the client: `aud` for ID tokens,
 * `client_id` for access tokens; `token_use` must be one of the two.
 */
export function createJwtAuthorizer({ issuer, audience }: { issuer: string; audience: string[] }) {
  // cognito-local serves its JWKS over plain http, which aws-jwt-verify's default fetcher refuses.
  const jwksCache = new SimpleJwksCache({
    fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
  });
  const verifier = JwtRsaVerifier.create(
    {
      issuer,
      audience: null,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      customJwtCheck: ({ payload }) => {
        const tokenUse = payload['token_use'];
        if (tokenUse === 'id' && audience.includes(String(payload.aud))) return;
        if (tokenUse === 'access' && audience.includes(String(payload['client_id']))) return;
        throw new Error('token is not for this client');
      },
    },
    { jwksCache },
  );

  /** The verified claims, or null when the request must get 401. */
  return async function authorize(authorization: string | undefined): Promise<JwtClaims | null> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? authorization?.trim();
    if (!token) return null;
    try {
      return (await verifier.verify(token)) as JwtClaims;
    } catch {
      return null;
    }
  };
}

import { S3RequestError } from '#lib/sigv4-verifier';

/** A Cognito JSON error: HTTP status and `__type` (answered as `{"__type","message"}`). */
export class CognitoRequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** What Cognito answers a wrong password or an unknown user with (the deployed client hides which). */
export const incorrectCredentials = () => new CognitoRequestError(400, 'NotAuthorizedException', 'Incorrect username or password.');

/**
 * What Cognito answers when the SigV4 signature of a call fails verification. The verifier
 * (sigv4-verifier.ts) is shared with the S3 front and names failures with S3's codes; Cognito
 * names the same failures with these JSON error types. Any other error is returned as it is.
 */
export function cognitoSignatureError(error: unknown): unknown {
  if (!(error instanceof S3RequestError)) return error;
  if (error.code === 'InvalidAccessKeyId') {
    return new CognitoRequestError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (error.code === 'AuthorizationQueryParametersError' || error.code === 'InvalidArgument') {
    return new CognitoRequestError(400, 'IncompleteSignatureException', error.message);
  }
  return new CognitoRequestError(400, 'InvalidSignatureException', error.message);
}

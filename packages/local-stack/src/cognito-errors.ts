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

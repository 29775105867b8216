import type {
  CreateUserPoolClientCommandInput,
  CreateUserPoolCommandInput,
  ExplicitAuthFlowsType,
  TimeUnitsType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Infra } from '#lib/local-infra';
import type { Yaml } from '#lib/serverless-config';

/**
 * The user pool and app client settings of infra.serverless.yml that the local Cognito applies
 * (its front enforces them: cognito-user-flows.ts, cognito-tokens.ts), so local and deployed
 * cannot drift: self sign-up or not, e-mail verification and its message, the password policy,
 * the schema; the client's auth flows, token validity, revocation, readable and writable attributes.
 */
export interface CognitoPoolSettings {
  pool: Pick<
    CreateUserPoolCommandInput,
    | 'UsernameAttributes'
    | 'UsernameConfiguration'
    | 'AutoVerifiedAttributes'
    | 'AdminCreateUserConfig'
    | 'AccountRecoverySetting'
    | 'Policies'
    | 'VerificationMessageTemplate'
    | 'Schema'
    | 'MfaConfiguration'
  >;
  client: Pick<
    CreateUserPoolClientCommandInput,
    | 'ExplicitAuthFlows'
    | 'GenerateSecret'
    | 'PreventUserExistenceErrors'
    | 'EnableTokenRevocation'
    | 'AccessTokenValidity'
    | 'IdTokenValidity'
    | 'RefreshTokenValidity'
    | 'TokenValidityUnits'
    | 'ReadAttributes'
    | 'WriteAttributes'
  > & { ExplicitAuthFlows: ExplicitAuthFlowsType[] };
}

/** Token lifetimes a test sets instead of the client's (LocalStackOptions.cognito), in seconds. */
export interface TokenValidityOverrides {
  /** E.g. 5, so that a browser test sees a session outlive its ID token (Cognito's minimum is 5 minutes; locally any). */
  idTokenValiditySeconds?: number;
  accessTokenValiditySeconds?: number;
  refreshTokenValiditySeconds?: number;
}

export function cognitoPoolSettings(infra: Infra, overrides: TokenValidityOverrides = {}): CognitoPoolSettings {
  const pool: Yaml = infra.resources[infra.idOf('AWS::Cognito::UserPool')]!['Properties'] ?? {};
  const client: Yaml = infra.resources[infra.idOf('AWS::Cognito::UserPoolClient')]!['Properties'] ?? {};
  const units: Record<string, TimeUnitsType> = { ...(client['TokenValidityUnits'] ?? {}) };
  const validity: Record<string, number | undefined> = {
    AccessToken: client['AccessTokenValidity'],
    IdToken: client['IdTokenValidity'],
    RefreshToken: client['RefreshTokenValidity'],
  };
  for (const [token, seconds] of [
    ['IdToken', overrides.idTokenValiditySeconds],
    ['AccessToken', overrides.accessTokenValiditySeconds],
    ['RefreshToken', overrides.refreshTokenValiditySeconds],
  ] as const) {
    if (seconds === undefined) continue;
    if (!Number.isInteger(seconds) || seconds < 1)
      throw new Error(`cognito.${token} validity must be a whole number of seconds, at least 1`);
    validity[token] = seconds;
    units[token] = 'seconds';
  }
  const defined = <T extends object>(value: T): T =>
    Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
  return {
    pool: defined({
      UsernameAttributes: pool['UsernameAttributes'],
      UsernameConfiguration: pool['UsernameConfiguration'],
      AutoVerifiedAttributes: pool['AutoVerifiedAttributes'],
      AdminCreateUserConfig: pool['AdminCreateUserConfig'],
      AccountRecoverySetting: pool['AccountRecoverySetting'],
      Policies: pool['Policies'],
      VerificationMessageTemplate: pool['VerificationMessageTemplate'],
      Schema: pool['Schema'],
      MfaConfiguration: pool['MfaConfiguration'],
    }),
    client: defined({
      ExplicitAuthFlows: client['ExplicitAuthFlows'] ?? [],
      GenerateSecret: client['GenerateSecret'] ?? false,
      PreventUserExistenceErrors: client['PreventUserExistenceErrors'],
      EnableTokenRevocation: client['EnableTokenRevocation'],
      AccessTokenValidity: validity['AccessToken'],
      IdTokenValidity: validity['IdToken'],
      RefreshTokenValidity: validity['RefreshToken'],
      TokenValidityUnits: Object.keys(units).length ? units : undefined,
      ReadAttributes: client['ReadAttributes'],
      WriteAttributes: client['WriteAttributes'],
    }),
  };
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Read-only access to cognito-local's data folder (`.cognito/db/`: `clients.json` and one
 * `<userPoolId>.json` per pool, written by its StormDB store, cognito-local 5.3.0 pinned). The
 * Cognito front needs what no API of the emulator gives without admin rights, or at all: an app
 * client's settings (auth flows, token validity, attributes: cognito-local stores them but never
 * enforces them), a pool's settings (password policy, messages), a user's password (it keeps
 * passwords in the clear, where real Cognito keeps an SRP verifier) and groups.
 */

export type TokenUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export interface StoredClient {
  ClientId: string;
  UserPoolId: string;
  ExplicitAuthFlows?: string[];
  AccessTokenValidity?: number;
  IdTokenValidity?: number;
  RefreshTokenValidity?: number;
  TokenValidityUnits?: { AccessToken?: TokenUnit; IdToken?: TokenUnit; RefreshToken?: TokenUnit };
  EnableTokenRevocation?: boolean;
  PreventUserExistenceErrors?: string;
  ReadAttributes?: string[];
  WriteAttributes?: string[];
}

export interface StoredAttribute {
  Name?: string;
  Value?: string;
}

export interface StoredUser {
  Username: string;
  Password?: string;
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: string;
  UserLastModifiedDate?: string;
  Attributes?: StoredAttribute[];
}

export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
  TemporaryPasswordValidityDays?: number;
}

/** The pool's settings as cognito-local keeps them (CreateUserPool's and UpdateUserPool's fields). */
export interface StoredPool {
  Id: string;
  UsernameAttributes?: string[];
  UsernameConfiguration?: { CaseSensitive?: boolean };
  AutoVerifiedAttributes?: string[];
  Policies?: { PasswordPolicy?: PasswordPolicy };
  VerificationMessageTemplate?: { EmailMessage?: string; EmailSubject?: string; DefaultEmailOption?: string };
  AdminCreateUserConfig?: {
    AllowAdminCreateUserOnly?: boolean;
    InviteMessageTemplate?: { EmailMessage?: string; EmailSubject?: string };
  };
  SchemaAttributes?: Array<{ Name?: string; Required?: boolean; Mutable?: boolean }>;
}

export interface CognitoLocalData {
  client(clientId: string): Promise<StoredClient | undefined>;
  /**
   * Looked up as cognito-local looks up a USERNAME: the username, then `sub`, then the email or
   * phone alias the pool allows (the email in any case when the pool is not case sensitive, as
   * Cognito finds it).
   */
  user(userPoolId: string, username: string): Promise<StoredUser | undefined>;
  pool(userPoolId: string): Promise<StoredPool | undefined>;
  /** The groups a user (by its Username) is a member of, sorted as in tokens. */
  groupsOf(userPoolId: string, username: string): Promise<string[]>;
}

interface PoolFile {
  Users?: Record<string, StoredUser>;
  Groups?: Record<string, { GroupName?: string; members?: string[] }>;
  Options?: StoredPool;
}

const POOL_ID = /^[\w-]{1,55}$/;

/** When an app client allows an auth flow (the InitiateAuth AuthFlow), as Cognito decides it. */
export function allowsAuthFlow(client: StoredClient, authFlow: string): boolean {
  // A client created without ExplicitAuthFlows allows these three (Cognito's documented default).
  const flows = new Set(
    client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  );
  // The legacy names (without ALLOW_) mean the same.
  if (flows.has('USER_PASSWORD_AUTH')) flows.add('ALLOW_USER_PASSWORD_AUTH');
  if (flows.has('ADMIN_NO_SRP_AUTH')) flows.add('ALLOW_ADMIN_USER_PASSWORD_AUTH');
  if (flows.has('CUSTOM_AUTH_FLOW_ONLY')) flows.add('ALLOW_CUSTOM_AUTH');
  const wanted = authFlow === 'REFRESH_TOKEN' ? 'REFRESH_TOKEN_AUTH' : authFlow;
  return flows.has(`ALLOW_${wanted}`);
}

export function cognitoLocalData(dbDirectory: string): CognitoLocalData {
  return {
    async client(clientId) {
      const root = (await readJson(path.join(dbDirectory, 'clients.json'))) as { Clients?: Record<string, StoredClient> } | undefined;
      const client = root?.Clients && Object.hasOwn(root.Clients, clientId) ? root.Clients[clientId] : undefined;
      return client && typeof client.UserPoolId === 'string' && POOL_ID.test(client.UserPoolId) ? client : undefined;
    },
    async user(userPoolId, username) {
      const pool = await poolFile(userPoolId);
      const users = pool?.Users ?? {};
      if (Object.hasOwn(users, username)) return users[username];
      const aliases = new Set([
        'sub',
        ...(pool?.Options?.UsernameAttributes ?? []).filter((name) => name === 'email' || name === 'phone_number'),
      ]);
      const anyCase = pool?.Options?.UsernameConfiguration?.CaseSensitive === false;
      const same = (name: string | undefined, value: string | undefined) =>
        value === username || (anyCase && name === 'email' && value?.toLowerCase() === username.toLowerCase());
      return Object.values(users).find((user) =>
        user.Attributes?.some((attribute) => aliases.has(attribute.Name ?? '') && same(attribute.Name, attribute.Value)),
      );
    },
    async pool(userPoolId) {
      const options = (await poolFile(userPoolId))?.Options;
      return options && typeof options.Id === 'string' ? options : undefined;
    },
    async groupsOf(userPoolId, username) {
      const groups = Object.values((await poolFile(userPoolId))?.Groups ?? {});
      return groups
        .filter((group) => typeof group.GroupName === 'string' && group.members?.includes(username))
        .map((group) => group.GroupName!)
        .sort((a, b) => a.localeCompare(b));
    },
  };

  async function poolFile(userPoolId: string): Promise<PoolFile | undefined> {
    if (!POOL_ID.test(userPoolId) || userPoolId === 'clients') return undefined;
    return (await readJson(path.join(dbDirectory, `${userPoolId}.json`))) as PoolFile | undefined;
  }
}

/** A user's attribute value, if it has the attribute. */
export function attributeOf(user: StoredUser | undefined, name: string): string | undefined {
  return user?.Attributes?.find((attribute) => attribute.Name === name)?.Value;
}

/**
 * StormDB rewrites a whole file in place (not atomically): a read that meets a write half-way
 * sees cut JSON, so it reads again. Missing means not created yet.
 */
async function readJson(file: string): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(10);
    }
  }
}

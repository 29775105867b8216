import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Read-only access to cognito-local's data folder (`.cognito/db/`: `clients.json` and one
 * `<userPoolId>.json` per pool, written by its StormDB store, cognito-local 5.3.0 pinned). The
 * local SRP front needs two things no API of the emulator gives: an app client's auth flows
 * (cognito-local stores them but never enforces them) and a user's password (it keeps passwords
 * in the clear, where real Cognito keeps an SRP verifier).
 */

export interface StoredClient {
  ClientId: string;
  UserPoolId: string;
  ExplicitAuthFlows?: string[];
}

export interface StoredUser {
  Username: string;
  Password?: string;
  UserStatus?: string;
  Attributes?: Array<{ Name?: string; Value?: string }>;
}

export interface CognitoLocalData {
  client(clientId: string): Promise<StoredClient | undefined>;
  /** Looked up as cognito-local looks up a USERNAME: the username, then `sub`, then the email or phone alias the pool allows. */
  user(userPoolId: string, username: string): Promise<StoredUser | undefined>;
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
      if (!POOL_ID.test(userPoolId) || userPoolId === 'clients') return undefined;
      const pool = (await readJson(path.join(dbDirectory, `${userPoolId}.json`))) as
        | { Users?: Record<string, StoredUser>; Options?: { UsernameAttributes?: string[] } }
        | undefined;
      const users = pool?.Users ?? {};
      if (Object.hasOwn(users, username)) return users[username];
      const aliases = new Set([
        'sub',
        ...(pool?.Options?.UsernameAttributes ?? []).filter((name) => name === 'email' || name === 'phone_number'),
      ]);
      return Object.values(users).find((user) =>
        user.Attributes?.some((attribute) => aliases.has(attribute.Name ?? '') && attribute.Value === username),
      );
    },
  };
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

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  GroupExistsException,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateAdminCredentials, startCognitoAdminGuard, type AdminCredentials } from '#lib/cognito-admin-guard';
import type { CognitoPrincipal } from '#lib/cognito-iam';
import { cognitoLocalData } from '#lib/cognito-local-data';
import type { CognitoPoolSettings } from '#lib/cognito-pool-settings';
import type { SrpFront } from '#lib/cognito-srp';
import { ensureSigningKey, signingKeyPreload } from '#lib/cognito-signing-key';
import type { TokenIssuer } from '#lib/cognito-tokens';
import { MAILBOX_PATH, type Mailbox } from '#lib/mailbox';
import { LOOPBACK, freePort, waitFor } from '#lib/net';

export interface LocalCognito {
  endpoint: string;
  /** The only credentials the admin API accepts; new at every start. */
  adminCredentials: AdminCredentials;
  /** The local USER_SRP_AUTH (cognito-srp.ts), for tests. */
  srp: SrpFront;
  /** The front's tokens (cognito-tokens.ts), for tests. */
  tokens: TokenIssuer;
  /** The e-mails Cognito would have sent (mailbox.ts). */
  mailbox: Mailbox;
  /** `GET {mailboxUrl}/messages?to=<email>`: those e-mails as JSON, newest first. */
  mailboxUrl: string;
  /** Lets another key pair in, for what its IAM policy allows (cognito-iam.ts). */
  allow(principal: CognitoPrincipal): void;
  close(): Promise<void>;
}

export interface DemoUser {
  email: string;
  password: string;
  groups: string[];
}

export interface UserPool {
  userPoolId: string;
  userPoolClientId: string;
  issuer: string;
  /** Each demo user's `sub` (its id in tokens), by email. */
  subs: Map<string, string>;
}

const require = createRequire(import.meta.url);

// Runs first in the child: leave when the IPC channel closes or the parent process is gone.
const EXIT_WITH_PARENT = `process.on('disconnect', () => process.exit(0));
setInterval(() => { try { process.kill(${process.pid}, 0); } catch { process.exit(0); } }, 1000).unref();`;

/**
 * cognito-local in a child process (it keeps its data in `.cognito/` under its working directory)
 * on a private port, behind the admin guard (cognito-admin-guard.ts), which alone listens on `port`
 * and answers the app client's calls itself (cognito-srp.ts, cognito-user-flows.ts), reading users
 * from that data folder; it keeps its sessions and codes next to it (sessions.json, codes.json).
 * The child exits when its parent goes away, so no emulator outlives the stack.
 */
export async function startCognito({
  directory,
  port,
  log,
  now,
}: {
  directory: string;
  port: number;
  log(line: Record<string, unknown>): void;
  /** The front's clock (codes, lockouts, tokens), for tests that move time on. */
  now?: () => number;
}): Promise<LocalCognito> {
  const endpoint = `http://${LOOPBACK}:${port}`;
  await mkdir(path.join(directory, '.cognito'), { recursive: true });
  // Tokens name the guard's address as issuer, not the private one; this file is ours alone.
  await writeFile(
    path.join(directory, '.cognito', 'config.json'),
    `${JSON.stringify({ TokenConfig: { IssuerDomain: endpoint } }, null, 2)}\n`,
  );
  const privatePort = await freePort();
  const entry = require.resolve('cognito-local/lib/bin/start.js');
  const signingKeyFile = path.join(directory, 'signing-key.json');
  const signingKey = await ensureSigningKey(signingKeyFile);
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', `${EXIT_WITH_PARENT} ${signingKeyPreload(signingKeyFile, entry)} require(${JSON.stringify(entry)});`],
    {
      cwd: directory,
      env: { ...process.env, PORT: String(privatePort), HOST: LOOPBACK, DEBUG: '' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopChild = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor('cognito-local', async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr}`);
      await fetch(`http://${LOOPBACK}:${privatePort}/health`);
    });
  } catch (error) {
    await stopChild();
    throw error;
  }
  const adminCredentials = generateAdminCredentials();
  const guard = await startCognitoAdminGuard({
    port,
    upstream: { hostname: LOOPBACK, port: privatePort },
    credentials: adminCredentials,
    data: cognitoLocalData(path.join(directory, '.cognito', 'db')),
    signingKey,
    issuerBase: endpoint,
    stateDirectory: directory,
    ...(now ? { now } : {}),
    log,
  }).catch(async (error: unknown) => {
    await stopChild();
    throw error;
  });
  return {
    endpoint,
    adminCredentials,
    srp: guard.srp,
    tokens: guard.tokens,
    mailbox: guard.mailbox,
    mailboxUrl: `${endpoint}${MAILBOX_PATH}`,
    allow: guard.allow,
    close: async () => {
      await new Promise<void>((resolve) => {
        guard.server.close(() => resolve());
        guard.server.closeAllConnections();
      });
      await stopChild();
    },
  };
}

const POOL_NAME = 'event-photos-local';
const CLIENT_NAME = 'event-photos-web';

/**
 * Creates (or finds, after a restart) the pool, the SPA client, the groups and the demo users; the
 * pool and client get infra.serverless.yml's settings (cognito-pool-settings.ts), on a data folder
 * from before too.
 */
export async function ensureUserPool(
  { endpoint, adminCredentials }: Pick<LocalCognito, 'endpoint' | 'adminCredentials'>,
  users: DemoUser[],
  { pool: poolSettings, client }: CognitoPoolSettings,
): Promise<UserPool> {
  const cognito = new CognitoIdentityProviderClient({ endpoint, region: 'local', credentials: adminCredentials });
  try {
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((pool) => pool.Name === POOL_NAME)?.Id;
    if (!userPoolId) {
      const created = await cognito.send(
        new CreateUserPoolCommand({
          PoolName: POOL_NAME,
          ...poolSettings,
          UsernameAttributes: poolSettings.UsernameAttributes ?? ['email'],
        }),
      );
      userPoolId = created.UserPool!.Id!;
    } else {
      // What UpdateUserPool may change (not the username attributes or the schema, as on AWS).
      const { UsernameAttributes: _fixed, UsernameConfiguration: _alsoFixed, Schema: _schema, ...updatable } = poolSettings;
      await cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...updatable }));
    }
    const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let userPoolClientId = clients.UserPoolClients?.find((client) => client.ClientName === CLIENT_NAME)?.ClientId;
    // The deployed client's settings, exactly: the guard enforces its auth flows, token validity and attributes.
    if (!userPoolClientId) {
      const created = await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: CLIENT_NAME, ...client }));
      userPoolClientId = created.UserPoolClient!.ClientId!;
    } else {
      // A data folder from before may hold other flows (until SRP worked locally, USER_PASSWORD_AUTH too) or validities.
      const { GenerateSecret: _fixed, ...updatable } = client;
      await cognito.send(new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: userPoolClientId, ...updatable }));
    }
    for (const group of new Set(users.flatMap((user) => user.groups))) {
      await ignoreExisting(cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group })));
    }
    const subs = new Map<string, string>();
    for (const user of users) {
      await ignoreExisting(
        cognito.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: user.email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: user.email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        ),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true }),
      );
      for (const group of user.groups) {
        await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }));
      }
      const { UserAttributes } = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
      const sub = UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
      if (sub) subs.set(user.email, sub);
    }
    return { userPoolId, userPoolClientId, issuer: `${endpoint}/${userPoolId}`, subs };
  } finally {
    cognito.destroy();
  }
}

async function ignoreExisting(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UsernameExistsException || error instanceof GroupExistsException) return;
    throw error;
  }
}

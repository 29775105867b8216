// `npm run -s sign-in -- <email> <password>`: prints an ID token of the running local stack
// (`npm start`), signed in with USER_SRP_AUTH by the web app's own client code, as on AWS. curl
// cannot do SRP (it is a computation, not a request), and the local app client allows nothing
// else, like the deployed one. OUTPUTS names another outputs file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { signIn } from '@event-photos/client';
import type { LocalStackOutputs } from '@event-photos/local-stack';

const [email, password] = process.argv.slice(2);
if (!email || !password) {
  console.error('usage: npm run -s sign-in -- <email> <password>');
  process.exit(2);
}
const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const outputsFile = path.resolve(
  process.env['OUTPUTS'] ?? path.join(process.env['LOCAL_DATA_DIR'] ?? path.join(repoRoot, '.local'), 'outputs.json'),
);
const outputs = JSON.parse(
  await readFile(outputsFile, 'utf8').catch(() => {
    console.error(`${outputsFile} not found: start the local stack first (npm start)`);
    process.exit(1);
  }),
) as LocalStackOutputs;

try {
  const { idToken } = await signIn({
    cognitoEndpoint: outputs.cognitoEndpoint,
    region: outputs.region,
    userPoolId: outputs.userPoolId,
    clientId: outputs.userPoolClientId,
    email,
    password,
  });
  console.log(idToken);
} catch (error) {
  console.error(
    `Sign-in failed: ${error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error)}`,
  );
  process.exit(1);
}

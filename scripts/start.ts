import path from 'node:path';
import { startWebServer } from '@event-photos/web/server';
import { REPO_ROOT, startLocalStack, writeOutputs } from '@event-photos/local-stack';

// `npm start`: the whole system on loopback, data kept under .local/ across restarts.
// The wiring lives here, outside the packages it wires (local-stack never depends on the web app).
// LOCAL_DATA_DIR moves the data (tests run their own stack in a temporary folder).
const dataDir = path.resolve(process.env['LOCAL_DATA_DIR'] ?? path.join(REPO_ROOT, '.local'));
const outputsFile = path.join(dataDir, 'outputs.json');
const base = Number(process.env['LOCAL_PORT_BASE'] ?? 4510);

const stack = await startLocalStack({
  dataDir,
  ports: { api: base, cdn: base + 1, s3: base + 2, dynamodb: base + 3, cognito: base + 4 },
  log: (line) => console.log(JSON.stringify({ time: new Date().toISOString(), ...line })),
  // API Gateway's route throttling as deployed: a client that floods initiate-upload sees 429 here too.
  throttling: 'serverless.yml',
});
const web = await startWebServer({ port: base + 5, config: stack.outputs }).catch(async (error: unknown) => {
  await stack.stop();
  throw error;
});
const outputs = { ...stack.outputs, webUrl: web.url };
const relativeDataDir = path.relative(process.cwd(), dataDir);
const shownDataDir = relativeDataDir.startsWith('..') || relativeDataDir === '' ? dataDir : `${relativeDataDir}/`;
await writeOutputs(outputsFile, outputs);

console.log(`
Event photos: local stack ready in ${process.uptime().toFixed(1)} s
  Web app          ${web.url}
  API              ${outputs.apiUrl}
  Photos (CDN)     ${outputs.cdnBaseUrl}/photos/...
  S3               ${outputs.s3Endpoint}  bucket ${outputs.bucketName}
  DynamoDB         ${outputs.dynamodbEndpoint}  table ${outputs.tableName}
  Cognito          ${outputs.cognitoEndpoint}  pool ${outputs.userPoolId}  client ${outputs.userPoolClientId}
  Mailbox          ${outputs.mailboxUrl}/messages?to=<email>  (the e-mails Cognito would send)
  Demo event       ${outputs.demoEventId}
  Demo users       ${outputs.demoUsers.map((user) => `${user.email} / ${user.password}`).join(', ')}
  Outputs file     ${outputsFile}
Ctrl-C stops everything; data stays in ${shownDataDir} (delete it for a fresh start).
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nStopping...');
    void web
      .close()
      .then(() => stack.stop())
      .then(() => process.exit(0));
  });
}

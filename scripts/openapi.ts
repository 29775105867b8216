// `npm run openapi [file]`: writes the OpenAPI document of serverless.yml's routes (default
// .local/openapi.json; generated, never committed, so it cannot go stale).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, openApiOf, readServerlessApp } from '@event-photos/local-stack';

const file = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, '.local', 'openapi.json'));
const document = openApiOf(await readServerlessApp(REPO_ROOT));
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
console.log(`OpenAPI ${document.openapi}: ${Object.keys(document.paths).length} paths -> ${file}`);

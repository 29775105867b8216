// `npx tsx bench/sizes.ts`: bundle sizes only (section 1 of `npm run bench`), in seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@event-photos/local-stack';
import { buildBundles } from './bundle.ts';
import { kib } from './format.ts';

const src = path.join(REPO_ROOT, 'services/photos-api/src');
const entries = {
  'initiate-upload': `${src}/http/initiate-upload.ts`,
  'list-photos': `${src}/http/list-photos.ts`,
  'get-photo': `${src}/http/get-photo.ts`,
  'create-event': `${src}/http/create-event.ts`,
  'process-uploaded-photo': `${src}/s3/process-uploaded-photo.ts`,
  'reconcile-uploads': `${src}/jobs/reconcile-uploads.ts`,
};
const dir = await mkdtemp(path.join(os.tmpdir(), 'event-photos-sizes-'));
try {
  for (const [name, bundle] of await buildBundles(entries, dir)) {
    console.log(`${name.padEnd(24)} ${kib(bundle.bytes).padStart(8)} KiB  gzip ${kib(bundle.gzipBytes).padStart(7)} KiB`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

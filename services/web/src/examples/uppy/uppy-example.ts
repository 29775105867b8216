// The optional Uppy example (not part of the app's bundle): Uppy's own uploader and progress, with
// our initiate-upload behind @uppy/aws-s3's getUploadParameters. It reuses the app's session, so
// sign in in the app first.
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import { ACCEPTED_CONTENT_TYPES, createPhotosClient, DEFAULT_MAX_UPLOAD_BYTES, uppyUploadParameters } from '@event-photos/client';
import { parseWebConfig } from '#lib/config';
import { byId, element, say } from '#lib/app/dom';
import { Session } from '#lib/app/session';

const config = parseWebConfig(await (await fetch(new URL('../config.json', document.baseURI), { cache: 'no-store' })).json());
const session = new Session(
  window.localStorage,
  { cognitoEndpoint: config.cognitoEndpoint, region: config.region, clientId: config.userPoolClientId },
  () => location.reload(),
);
const status = byId('uppy-status', HTMLElement);
const eventId = new URLSearchParams(location.search).get('event');
if (!session.current || !eventId) say(status, 'Sign in in the app first, and open this page with ?event=<event id>.');

const client = createPhotosClient({ apiUrl: config.apiUrl, eventId: eventId ?? '', getToken: (options) => session.token(options) });
const uppy = new Uppy({ restrictions: { allowedFileTypes: ACCEPTED_CONTENT_TYPES, maxFileSize: DEFAULT_MAX_UPLOAD_BYTES } }).use(AwsS3, {
  shouldUseMultipart: false,
  getUploadParameters: uppyUploadParameters(client),
});

const rows = new Map<string, { progress: HTMLProgressElement; text: HTMLElement }>();
byId('uppy-files', HTMLInputElement).addEventListener('change', (event) => {
  for (const file of (event.target as HTMLInputElement).files ?? []) {
    try {
      uppy.addFile({ name: file.name, type: file.type, data: file, meta: { title: file.name.replace(/\.[^.]+$/, '') } });
    } catch (error) {
      say(status, error instanceof Error ? error.message : String(error)); // Uppy's restrictions, in its words
    }
  }
});
uppy.on('file-added', (file) => {
  const item = element('li', { className: 'upload-row' });
  const progress = element('progress', { attributes: { max: '100', value: '0', 'aria-label': `Upload of ${file.name}` } });
  const text = element('span', { className: 'upload-status', text: 'Waiting…' });
  item.append(element('span', { className: 'upload-name', text: file.name ?? '' }), progress, text);
  byId('uppy-list', HTMLUListElement).append(item);
  rows.set(file.id, { progress, text });
});
uppy.on('upload-progress', (file, progress) => {
  const row = file && rows.get(file.id);
  if (row && progress.bytesTotal) row.progress.value = Math.floor((progress.bytesUploaded / progress.bytesTotal) * 100);
});
uppy.on('upload-success', (file) => {
  const row = file && rows.get(file.id);
  if (!row) return;
  row.progress.value = 100;
  say(row.text, 'Sent: it appears in the gallery once processed.');
});
uppy.on('upload-error', (file, error) => {
  const row = file && rows.get(file.id);
  if (row) say(row.text, error.message);
});
byId('uppy-upload', HTMLButtonElement).addEventListener('click', () => void uppy.upload());

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { readServerlessApp } from '@event-photos/local-stack';
import { jpegBytes, signIn } from '@event-photos/local-stack/test-support';

// The document the local gateway serves, checked as a whole (OpenAPI 3.1 schema), against
// serverless.yml's routes, and against real answers: each body must match its route and status.
let stack: LocalStack;
let dataDir: string;
let document: any;
let ajv: InstanceType<typeof Ajv2020>;
const tokens = { attendee: '', organizer: '' };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-openapi-'));
  stack = await startLocalStack({ dataDir, retryDelaysMs: [50, 100] });
  const user = (groups: number) => stack.outputs.demoUsers.find((demo) => demo.groups.length === groups)!;
  const token = (demo: { email: string; password: string }) =>
    signIn(stack.outputs, demo.email, demo.password).then((signedIn) => signedIn.idToken);
  [tokens.attendee, tokens.organizer] = await Promise.all([token(user(0)), token(user(1))]);
  const response = await fetch(`${stack.outputs.apiUrl}/openapi.json`);
  expect(response.status).toBe(200);
  document = await response.json();
  // The document is not a JSON Schema itself (openapi, paths...): strict mode off, formats checked.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, 'openapi.json');
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Calls the API and checks the answer's body against the document's schema for route and status. */
async function call(
  route: string,
  pathname: string,
  { as = 'attendee', body, contentType = 'application/json' }: { as?: keyof typeof tokens; body?: unknown; contentType?: string } = {},
) {
  const [method, template] = route.split(' ') as [string, string];
  const response = await fetch(`${stack.outputs.apiUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${tokens[as]}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const answer = document.paths[template]?.[method.toLowerCase()]?.responses?.[response.status];
  expect(answer, `${route} answered ${response.status}, which the document does not list: ${text}`).toBeDefined();
  if (response.status === 204) {
    expect(text).toBe('');
    return { status: response.status, json: null };
  }
  const pointer = ['paths', template, method.toLowerCase(), 'responses', String(response.status), 'content', 'application/json', 'schema']
    .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
    .join('/');
  const validate = ajv.getSchema(`openapi.json#/${pointer}`)!;
  const json = JSON.parse(text);
  expect(validate(json), `${route} ${response.status}: ${JSON.stringify(validate.errors)} in ${text}`).toBe(true);
  return { status: response.status, json };
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result, JSON.stringify(result.errors)).toMatchObject({ valid: true });
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route of serverless.yml, with the JWT security scheme and its errors', async () => {
    const { routes } = await readServerlessApp(REPO_ROOT);
    expect(routes.length).toBeGreaterThan(0);
    expect(document.components.securitySchemes.cognito).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const route of routes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.functionName);
      expect(operation.security).toEqual([{ cognito: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '401']));
    }
    const statuses = new Set(
      Object.values<any>(document.paths).flatMap((item) => Object.values<any>(item).flatMap((op) => Object.keys(op.responses))),
    );
    expect([...statuses]).toEqual(expect.arrayContaining(['400', '401', '403', '404', '409', '415']));
  });

  it('describes what the handlers validate: limits from the same zod schemas', () => {
    const initiate = document.paths['/events/{eventId}/photos/initiate-upload'].post.requestBody.content['application/json'].schema;
    expect(initiate).toMatchObject({ additionalProperties: false, required: ['title', 'contentType', 'size'] });
    expect(initiate.properties.size).toMatchObject({ type: 'integer', minimum: 1, maximum: 26214400 });
    expect(initiate.properties.title).toMatchObject({ type: 'string', maxLength: 200 });
  });

  it('matches the real answers of every route, errors included', async () => {
    const eventId = `openapi-${Date.now()}`;
    const created = await call('POST /events', '/events', { as: 'organizer', body: { eventId, name: 'OpenAPI', description: 'Checked' } });
    expect(created.status).toBe(201);
    expect((await call('POST /events', '/events', { as: 'organizer', body: { eventId, name: 'Again' } })).status).toBe(409);
    expect((await call('POST /events', '/events', { body: { eventId: 'x', name: 'Not mine' } })).status).toBe(403);
    expect((await call('POST /events', '/events', { as: 'organizer', body: { eventId: '..', name: 'x' } })).json.error.field).toBe(
      'eventId',
    );
    expect((await call('POST /events', '/events', { as: 'organizer', body: 'not json' })).json.error.field).toBe('body');
    expect((await call('POST /events', '/events', { as: 'organizer' })).json.error.field).toBe('body');
    const form = await call('POST /events', '/events', {
      as: 'organizer',
      body: 'eventId=x&name=y',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form).toMatchObject({ status: 415, json: { error: { code: 'UnsupportedMediaType', field: 'content-type' } } });

    // Invites and members: the attendee joins the organizer's event with an invite's code.
    const eventPath = `/events/${eventId}`;
    const rights = { upload: true, viewOthers: true, downloadOriginals: false };
    const invited = await call('POST /events/{eventId}/invites', `${eventPath}/invites`, {
      as: 'organizer',
      body: { ...rights, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(invited.status).toBe(201);
    expect(
      (await call('POST /events/{eventId}/invites', `${eventPath}/invites`, { as: 'organizer', body: { ...rights, upload: 'yes' } })).json
        .error.field,
    ).toBe('upload');
    expect((await call('GET /events/{eventId}', eventPath)).status).toBe(404); // not a member yet
    const joinRoute = 'POST /events/{eventId}/members';
    expect((await call(joinRoute, `${eventPath}/members`, { body: { code: 'wrong' } })).status).toBe(404);
    expect((await call(joinRoute, `${eventPath}/members`, { body: {} })).json.error.field).toBe('code');
    const joined = await call(joinRoute, `${eventPath}/members`, { body: { code: invited.json.code } });
    expect(joined.status).toBe(201);
    expect((await call(joinRoute, `${eventPath}/members`, { body: { code: invited.json.code } })).status).toBe(200);
    expect((await call('GET /events/{eventId}/invites', `${eventPath}/invites`, { as: 'organizer' })).json.items).toHaveLength(1);
    expect((await call('GET /events/{eventId}/invites', `${eventPath}/invites`)).status).toBe(403);
    expect((await call('POST /events/{eventId}/invites', `${eventPath}/invites`, { body: rights })).status).toBe(403);
    expect((await call('GET /events/{eventId}/invites', '/events/no-such-event/invites', { as: 'organizer' })).status).toBe(404);
    const listed = await call('GET /events/{eventId}/members', `${eventPath}/members?limit=10`, { as: 'organizer' });
    expect(listed.json.items).toEqual([expect.objectContaining({ memberId: joined.json.memberId, photoCount: 0 })]);
    expect((await call('GET /events/{eventId}/members', `${eventPath}/members?limit=0`, { as: 'organizer' })).json.error.field).toBe(
      'limit',
    );
    expect((await call('GET /events/{eventId}/members', `${eventPath}/members`)).status).toBe(403);
    const revokeRoute = 'DELETE /events/{eventId}/invites/{inviteId}';
    expect((await call(revokeRoute, `${eventPath}/invites/${invited.json.inviteId}`, { as: 'organizer' })).status).toBe(204);
    expect((await call(revokeRoute, `${eventPath}/invites/${'0'.repeat(32)}`, { as: 'organizer' })).status).toBe(404);
    expect((await call(revokeRoute, `${eventPath}/invites/${invited.json.inviteId}`)).status).toBe(403);
    expect((await call(revokeRoute, `${eventPath}/invites/not-an-id`, { as: 'organizer' })).json.error.field).toBe('inviteId');

    const bytes = jpegBytes(2048);
    const initiated = await call('POST /events/{eventId}/photos/initiate-upload', `/events/${eventId}/photos/initiate-upload`, {
      body: { title: 'Keynote 🎤', contentType: 'image/jpeg', size: bytes.length },
    });
    expect(initiated.status).toBe(201);
    const { photoId, s3PutObjectUrl, method, headers } = initiated.json;
    const photoPath = `/events/${eventId}/photos/${photoId}`;
    expect((await call('GET /events/{eventId}/photos/{photoId}', photoPath)).json.status).toBe('pending');
    expect((await call('PATCH /events/{eventId}/photos/{photoId}', photoPath, { body: { title: 'Early' } })).status).toBe(409);
    expect(
      (
        await call('POST /events/{eventId}/photos/initiate-upload', `/events/${eventId}/photos/initiate-upload`, {
          body: { title: 'x', contentType: 'image/jpeg', size: 0 },
        })
      ).json.error.field,
    ).toBe('size');
    expect(
      (
        await call('POST /events/{eventId}/photos/initiate-upload', '/events/no-such-event/photos/initiate-upload', {
          body: { title: 'x', contentType: 'image/jpeg', size: 1 },
        })
      ).status,
    ).toBe(404);

    expect((await fetch(s3PutObjectUrl, { method, headers, body: new Uint8Array(bytes) })).status).toBe(200);
    await stack.notifications.idle();
    expect((await call('GET /events/{eventId}/photos/{photoId}', photoPath)).json.status).toBe('ready');
    expect((await call('GET /events/{eventId}/photos', `/events/${eventId}/photos?limit=10`)).json.items).toHaveLength(1);
    expect((await call('GET /events/{eventId}/photos', `/events/${eventId}/photos?limit=0`)).json.error.field).toBe('limit');
    expect((await call('PATCH /events/{eventId}/photos/{photoId}', photoPath, { body: { title: 'Keynote, day one' } })).status).toBe(200);
    // The same bytes again: declared, nothing to upload (200); undeclared, a duplicate upload.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const duplicate = await call('POST /events/{eventId}/photos/initiate-upload', `/events/${eventId}/photos/initiate-upload`, {
      body: { title: 'Again', contentType: 'image/jpeg', size: bytes.length, sha256 },
    });
    expect(duplicate.status).toBe(200);
    const second = await call('POST /events/{eventId}/photos/initiate-upload', `/events/${eventId}/photos/initiate-upload`, {
      body: { title: 'Again', contentType: 'image/jpeg', size: bytes.length },
    });
    expect((await fetch(second.json.s3PutObjectUrl, { method, headers: second.json.headers, body: new Uint8Array(bytes) })).status).toBe(
      200,
    );
    await stack.notifications.idle();
    expect((await call('GET /events/{eventId}/photos/{photoId}', `/events/${eventId}/photos/${second.json.photoId}`)).json.status).toBe(
      'duplicate',
    );

    expect((await call('GET /events', '/events?limit=5')).status).toBe(200);
    expect((await call('GET /events/{eventId}', `/events/${eventId}`)).json.photoCount).toBe(1);
    expect((await call('GET /events/{eventId}', '/events/no-such-event')).status).toBe(404);
    expect((await call('PATCH /events/{eventId}', `/events/${eventId}`, { body: { open: false } })).status).toBe(403);
    expect((await call('PATCH /events/{eventId}', `/events/${eventId}`, { as: 'organizer', body: { open: true } })).status).toBe(200);

    const batch = await call('POST /events/{eventId}/photos/batch-delete', `/events/${eventId}/photos/batch-delete`, {
      as: 'organizer',
      body: { photoIds: [photoId, '01890a5d-ac96-774b-bcce-000000000001'] },
    });
    expect(batch.json.results.map((result: { status: string }) => result.status)).toEqual(['deleted', 'notFound']);
    expect((await call('DELETE /events/{eventId}/photos/{photoId}', photoPath)).status).toBe(204);
    expect((await call('GET /events/{eventId}/photos/{photoId}', photoPath)).status).toBe(404);

    const removeRoute = 'DELETE /events/{eventId}/members/{memberId}';
    expect((await call(removeRoute, `${eventPath}/members/${joined.json.memberId}`)).status).toBe(403);
    expect((await call(removeRoute, `${eventPath}/members/${joined.json.memberId}`, { as: 'organizer' })).status).toBe(204);
    expect((await call(removeRoute, `${eventPath}/members/${joined.json.memberId}`, { as: 'organizer' })).status).toBe(404);
    expect((await call('GET /events/{eventId}', eventPath)).status).toBe(404); // removed: out at once
    // Too many attempts to join (the organizer's, so the attendee's stay free): 429 with Retry-After.
    let answer = await call(joinRoute, `${eventPath}/members`, { as: 'organizer', body: { code: 'guess' } });
    for (let n = 0; n < 20 && answer.status === 404; n++)
      answer = await call(joinRoute, `${eventPath}/members`, { as: 'organizer', body: { code: 'guess' } });
    expect(answer.status).toBe(429);

    const unauthorized = await fetch(`${stack.outputs.apiUrl}/events`);
    const validate = ajv.getSchema('openapi.json#/components/schemas/GatewayError')!;
    expect(unauthorized.status).toBe(401);
    expect(validate(await unauthorized.json())).toBe(true);
  });
});

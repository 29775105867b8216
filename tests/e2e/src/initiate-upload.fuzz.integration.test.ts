import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '@event-photos/local-stack';
import { rawRequest, signIn } from '@event-photos/local-stack/test-support';

// At least 1,000 generated malformed initiate-upload requests through the local gateway:
// every answer must be a 4xx JSON error, never a 5xx, and the stack must stay up.
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1200);
// Fixed by default so CI is repeatable; FUZZ_SEED=<n> explores other cases.
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261122);
let stack: LocalStack;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'event-photos-fuzz-'));
  stack = await startLocalStack({ dataDir });
  const user = stack.outputs.demoUsers.find((candidate) => candidate.groups.length === 0)!;
  token = (await signIn(stack.outputs, user.email, user.password)).idToken;
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const valid = { title: 'Keynote', description: 'Day one', contentType: 'image/jpeg', size: 1024 };
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 201, maxLength: 3000 }),
  fc.constantFrom('\u0000', '\u001b[31m', '\ud800', 'a\r\nb', '../../etc/passwd', '%00', '<script>', '=?UTF-8?B?AAAA?='),
  fc.integer({ min: 2001, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

// Each mutation makes a valid body invalid in one specific way.
const mutation = fc.oneof(
  fc.constantFrom('title', 'contentType', 'size').map((field) => (body: Record<string, unknown>) => {
    delete body[field];
  }),
  fc
    .tuple(fc.constantFrom('title', 'description', 'contentType', 'sha256'), wrongType)
    .map(([field, value]) => (body: Record<string, unknown>) => {
      body[field] = value;
    }),
  // Any nasty string plus a control character (BEL) is never a valid title or description.
  fc.tuple(fc.constantFrom('title', 'description'), nastyString).map(([field, value]) => (body: Record<string, unknown>) => {
    body[field] = `${value}\u0007`;
  }),
  fc
    .tuple(fc.constantFrom('title', 'description'), fc.integer({ min: 2001, max: 100_000 }))
    .map(([field, length]) => (body: Record<string, unknown>) => {
      body[field] = 'é'.repeat(length);
    }),
  fc
    .tuple(
      fc.constantFrom('contentType', 'sha256'),
      nastyString.filter((value) => !/^[0-9a-f]{64}$/i.test(value)),
    )
    .map(([field, value]) => (body: Record<string, unknown>) => {
      body[field] = value;
    }),
  fc
    .oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 25 * 1024 * 1024 + 1 }),
      fc.double({ noInteger: true }),
      fc.integer({ min: 1, max: 1000 }).map(String),
      fc.constantFrom('1e3', '0x10', Number.MAX_SAFE_INTEGER + 2, -0.5),
    )
    .map((size) => (body: Record<string, unknown>) => {
      body['size'] = size;
    }),
  fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((key) => !(key in valid) && key !== 'sha256')
    .map((key) => (body: Record<string, unknown>) => {
      body[key] = 1;
    }),
  fc
    .string({ maxLength: 30 })
    .filter((type) => !type.startsWith('image/'))
    .map((type) => (body: Record<string, unknown>) => {
      body['contentType'] = type;
    }),
);

const malformedBody = fc.oneof(
  fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    const body: Record<string, unknown> = { ...valid };
    for (const mutate of mutations) mutate(body);
    return JSON.stringify(body);
  }),
  fc.json().filter((text) => !text.includes('contentType')),
  fc.string({ unit: 'binary', maxLength: 500 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom(
    '',
    '{',
    '{"title": "x",}',
    'null',
    '[]',
    '"string"',
    '{"title":"a","contentType":"image/jpeg","size":1,"size":"2"}'.replace('"size":1,', ''),
  ),
);

const eventSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant('demo-event') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '..',
      '..%2F',
      '%2e%2e',
      '%2E%2E%2F..',
      'a%2Fb',
      '%00',
      '%0d%0a',
      '%',
      '%E0%A4%A',
      '.',
      'demo-event%00',
      'x'.repeat(300),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 40 })
      .map(encodeURIComponent)
      .filter((id) => id !== 'demo-event' && id.length > 0),
  },
);

it(`answers ${RUNS} malformed initiate-upload requests with 4xx JSON, never 5xx`, async () => {
  const statuses = new Map<number, number>();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(
      eventSegment,
      malformedBody,
      fc.constantFrom('application/json', 'text/plain', 'application/octet-stream'),
      async (eventId, body, contentType) => {
        const response = await rawRequest(stack.outputs.apiUrl, {
          method: 'POST',
          path: `/events/${eventId}/photos/initiate-upload`,
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          body,
        });
        sent++;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${eventId} ${body.slice(0, 200)} → ${JSON.stringify(response.json).slice(0, 300)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(response.status).toBeLessThan(500);
        expect(response.json).not.toHaveProperty('notJson');
      },
    ),
    { numRuns: RUNS, seed: SEED },
  );
  console.log(
    `fuzz (seed ${SEED}): sent ${sent} malformed initiate-upload requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}; 5xx: 0`,
  );
  expect(sent).toBeGreaterThanOrEqual(1000);

  // The stack is still up and serves a valid request.
  const ok = await rawRequest(stack.outputs.apiUrl, {
    method: 'POST',
    path: '/events/demo-event/photos/initiate-upload',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(valid),
  });
  expect(ok.status).toBe(201);
});

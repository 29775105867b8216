import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ChecksumStore } from '#lib/checksum-store';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'event-photos-checksums-'));
  file = path.join(dir, 'checksums.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('keeps checksums across restarts, writing through a renamed temporary file', async () => {
  const store = new ChecksumStore(file, () => undefined);
  await Promise.all([store.set('b', 'one', 'c2hhMQ=='), store.set('b', 'two', 'c2hhMg=='), store.set('b', 'one', undefined)]);
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'b/two': 'c2hhMg==' });
  expect(await readdir(dir)).toEqual(['checksums.json']);
  expect(new ChecksumStore(file, () => undefined).get('b', 'two')).toBe('c2hhMg==');
});

it.each([
  ['empty', ''],
  ['truncated', '{"b/one": "c2h'],
  ['not a map of strings', '{"b/one": 1}'],
])('sets an %s checksums file aside at start and logs it', async (_name, content) => {
  await writeFile(file, content);
  const lines: Array<Record<string, unknown>> = [];
  const store = new ChecksumStore(file, (line) => lines.push(line));
  expect(store.get('b', 'one')).toBeUndefined();
  expect(lines).toHaveLength(1);
  const [aside] = (await readdir(dir)).filter((name) => name.startsWith('checksums.json.corrupt-'));
  expect(await readFile(path.join(dir, aside!), 'utf8')).toBe(content);
  await store.set('b', 'one', 'c2hhMQ==');
  expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ 'b/one': 'c2hhMQ==' });
});

it('writes a burst of changes once, and a change made during a write in the next one', async () => {
  const store = new ChecksumStore(file, () => undefined);
  const burst = Array.from({ length: 50 }, (_, n) => store.set('b', `k${n}`, 'c2hhMA=='));
  expect(new Set(burst).size).toBe(1); // one write for the 50
  await new Promise((resolve) => setImmediate(resolve)); // that write has started
  const later = store.set('b', 'late', 'c2hhMQ==');
  expect(later).not.toBe(burst[0]);
  await later;
  const stored = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  expect(Object.keys(stored)).toHaveLength(51);
  expect(stored['b/late']).toBe('c2hhMQ==');
});

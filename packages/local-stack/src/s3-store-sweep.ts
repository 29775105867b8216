import { readdir, readFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';

// s3rver keeps an object as up to three files side by side: the bytes, an md5 of them (rebuilt
// from the bytes when missing) and the metadata, which it writes last.
const OBJECT = '._S3rver_object';
const MD5 = '._S3rver_object.md5';
const METADATA = '._S3rver_metadata.json';
const SUFFIXES = [MD5, OBJECT, METADATA]; // MD5 before OBJECT: it ends with it

interface Parts {
  object?: string;
  md5?: string;
  metadata?: string;
}

/**
 * Before s3rver starts: moves aside what an unclean stop left half-written, so the store is
 * consistent again. s3rver writes data and metadata as separate files, not atomically; a 0-byte
 * or truncated metadata file makes every listing of its prefix answer 500, an object without
 * metadata has lost its Content-Type and our metadata. Such objects (and orphaned metadata or
 * md5 files) go to `lostAndFound`, keeping their paths; a bad md5 file alone goes too (s3rver
 * rebuilds it). Logs one line per item; answers how many there were.
 */
export async function sweepS3Store({
  objectsDir,
  lostAndFound,
  log,
}: {
  objectsDir: string;
  lostAndFound: string;
  log(line: Record<string, unknown>): void;
}): Promise<number> {
  let count = 0;
  for (const [base, parts] of await objectFiles(objectsDir)) {
    const problem = await partialObject(parts);
    if (!problem) continue;
    for (const file of problem.files.map((part) => parts[part]).filter((file) => file !== undefined)) {
      const target = path.join(lostAndFound, path.relative(objectsDir, file));
      await mkdir(path.dirname(target), { recursive: true });
      await rename(file, target);
    }
    count++;
    log({
      level: 'warn',
      message: 'S3 store: set aside a partial object',
      object: path.relative(objectsDir, base),
      reason: problem.reason,
      movedTo: path.join(lostAndFound, path.relative(objectsDir, path.dirname(base))),
    });
  }
  return count;
}

async function partialObject(parts: Parts): Promise<{ reason: string; files: Array<keyof Parts> } | undefined> {
  const all: Array<keyof Parts> = ['object', 'md5', 'metadata'];
  if (!parts.object) return { reason: parts.metadata ? 'metadata without an object' : 'md5 without an object', files: all };
  if (!parts.metadata) return { reason: 'object without metadata', files: all };
  const metadata = await readFile(parts.metadata, 'utf8');
  if (!metadata.trim()) return { reason: 'empty metadata file', files: all };
  try {
    const parsed: unknown = JSON.parse(metadata);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  } catch {
    return { reason: 'unreadable metadata file', files: all };
  }
  if (parts.md5 && !/^[0-9a-f]{32}$/.test(await readFile(parts.md5, 'utf8'))) return { reason: 'unreadable md5 file', files: ['md5'] };
  return undefined;
}

/** Every object's files, by their common path (the key's path without s3rver's suffixes). */
async function objectFiles(objectsDir: string): Promise<Map<string, Parts>> {
  const found = new Map<string, Parts>();
  const entries = await readdir(objectsDir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const suffix = SUFFIXES.find((candidate) => entry.name.endsWith(candidate));
    if (!suffix) continue;
    const base = path.join(entry.parentPath, entry.name.slice(0, -suffix.length));
    const parts = found.get(base) ?? {};
    parts[suffix === OBJECT ? 'object' : suffix === MD5 ? 'md5' : 'metadata'] = path.join(entry.parentPath, entry.name);
    found.set(base, parts);
  }
  return found;
}

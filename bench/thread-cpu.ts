// CPU time of this process's threads, by what runs in them (Linux /proc; empty elsewhere). The
// local stack names its threads (packages/local-stack/src/thread-name.ts): s3, dynamodb, and
// fn:{function} for each Lambda instance; the rest keep Node's names.
import { readdir, readFile } from 'node:fs/promises';

/** Linux reports thread times in USER_HZ ticks, 100 a second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** What a thread's name says it runs. */
export function threadPart(name: string, isMain: boolean): string {
  if (isMain) return 'main thread (gateway, Cognito, CDN, S3 events)';
  if (name === 's3') return 'S3 (auth proxy + s3rver)';
  if (name === 'dynamodb') return 'DynamoDB (dynalite)';
  if (name.startsWith('fn:')) return `function ${name.slice(3)}`;
  // sharp's libvips threads are started from the pool's, and inherit its name.
  if (name === 'libuv-worker') return 'thread pool (file I/O, LevelDB, sharp)';
  return 'V8 (GC, compiler) and other';
}

/** CPU ms used so far by each thread of this process, keyed by thread id, with its part. */
export async function threadCpu(): Promise<Map<string, { part: string; ms: number }>> {
  const threads = new Map<string, { part: string; ms: number }>();
  const tids = await readdir('/proc/self/task').catch(() => [] as string[]);
  await Promise.all(
    tids.map(async (tid) => {
      const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => null);
      if (!stat) return; // ended meanwhile
      // "tid (name) state ppid ..."; the name may hold spaces and parentheses: split at the last ')'.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' '); // fields[0] is field 3 (state)
      const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
      threads.set(tid, { part: threadPart(name, tid === String(process.pid)), ms: (ticks * 1000) / TICKS_PER_SECOND });
    }),
  );
  return threads;
}

/** CPU ms by part between two readings (a thread started in between counts from zero). */
export function cpuBetween(
  before: Map<string, { part: string; ms: number }>,
  after: Map<string, { part: string; ms: number }>,
): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const [tid, { part, ms }] of after) parts[part] = (parts[part] ?? 0) + ms - (before.get(tid)?.ms ?? 0);
  return parts;
}

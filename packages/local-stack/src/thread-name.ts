import { writeFileSync } from 'node:fs';

/**
 * Names the calling thread (Linux: its comm, at most 15 bytes), so that `top -H` and the bench's
 * CPU accounting show which emulator or function each thread runs. Elsewhere it does nothing.
 */
export function nameThisThread(name: string): void {
  try {
    writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // not Linux, or /proc not mounted: threads keep their default name
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/**
 * What the Cognito front keeps itself across restarts (sessions behind refresh tokens, codes
 * sent): one JSON file in the data folder, read at start, rewritten whole (through a temporary
 * file and a rename) after each change. Writes are queued, so the file only moves forward.
 * Without a file (unit tests) the state lives in memory only.
 */
export interface FrontState<T> {
  readonly value: T;
  /** Writes the current value (resolves when it is on disk). */
  save(): Promise<void>;
}

export function frontState<T extends object>(
  file: string | undefined,
  initial: () => T,
  isValid: (value: unknown) => value is T,
): FrontState<T> {
  let value = initial();
  if (file && existsSync(file)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isValid(parsed)) value = parsed;
    } catch {
      // A file cut by a crash before the rename cannot exist; anything unreadable starts afresh.
    }
  }
  let queue = Promise.resolve();
  return {
    value,
    save() {
      if (!file) return Promise.resolve();
      queue = queue
        .catch(() => undefined)
        .then(async () => {
          await writeFile(`${file}.tmp`, JSON.stringify(value), { mode: 0o600 });
          await rename(`${file}.tmp`, file);
        });
      return queue;
    },
  };
}

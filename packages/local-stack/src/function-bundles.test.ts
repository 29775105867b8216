import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepBundlesOfEndedProcesses } from '#lib/function-bundles';

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(path.join(tmpdir(), 'bundle-sweep-'));
});
afterEach(() => rm(parent, { recursive: true, force: true }));

/** The id of a process that has exited (and been reaped). */
const endedPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

async function bundleDir(name: string): Promise<string> {
  const dir = path.join(parent, name);
  await mkdir(dir);
  await writeFile(path.join(dir, 'initiateUpload.mjs'), 'export {}');
  return dir;
}

describe('sweepBundlesOfEndedProcesses', () => {
  it('removes the bundle folder of a stack whose process is gone, with what is in it', async () => {
    const stale = await bundleDir(`event-photos-functions-${endedPid()}-AbC123`);
    expect(await sweepBundlesOfEndedProcesses(parent)).toEqual([path.basename(stale)]);
    expect(existsSync(stale)).toBe(false);
  });

  it("keeps the folders of running processes (this one and its parent) and anything not named as a stack's bundles", async () => {
    const kept = await Promise.all([
      bundleDir(`event-photos-functions-${process.pid}-AbC123`),
      bundleDir(`event-photos-functions-${process.ppid}-AbC123`),
      bundleDir('event-photos-functions-AbC123'), // the old naming, without a process id
      bundleDir(`event-photos-functions-${endedPid()}`), // no suffix: not made by mkdtemp here
      bundleDir(`event-photos-data-${endedPid()}-AbC123`),
    ]);
    expect(await sweepBundlesOfEndedProcesses(parent)).toEqual([]);
    for (const dir of kept) expect(existsSync(dir)).toBe(true);
  });

  it('answers nothing when the folder does not exist', async () => {
    expect(await sweepBundlesOfEndedProcesses(path.join(parent, 'absent'))).toEqual([]);
  });
});

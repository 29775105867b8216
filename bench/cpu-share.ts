import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Lambda gives CPU in proportion to memory: 1,769 MB buys one vCPU. */
export const LAMBDA_MB_PER_VCPU = 1769;
const PERIOD_US = 100_000;
/** Where the cgroup v1 `cpu` controller is mounted (alone, or joined with cpuacct). */
const CPU_HIERARCHIES = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];
const GROUP_PREFIX = 'event-photos-bench-';

export const vcpuShare = (memoryMB: number) => memoryMB / LAMBDA_MB_PER_VCPU;
export const quotaUs = (memoryMB: number) => Math.round((PERIOD_US * memoryMB) / LAMBDA_MB_PER_VCPU);

export interface CpuGroup {
  memoryMB: number;
  dir: string;
  /** The group's path as /proc/<pid>/cgroup shows it, to check a child really ran inside. */
  cgroupPath: string;
  quotaUs: number;
  periodUs: number;
}

export interface CpuGroupStats {
  memoryMB: number;
  quotaUs: number;
  periodUs: number;
  /** cpu.stat at the end: how often the quota actually held a child back. */
  nrPeriods: number;
  nrThrottled: number;
  throttledMs: number;
}

export type CpuGroups =
  | {
      available: true;
      hierarchy: string;
      groups: Map<number, CpuGroup>;
      stats: () => Promise<CpuGroupStats[]>;
      remove: () => Promise<void>;
    }
  | { available: false; reason: string };

/**
 * One cgroup v1 `cpu` group per memory size, its CFS quota the vCPU share Lambda gives that much
 * memory. Groups are named after this process, so a run killed with SIGKILL leaves groups that
 * the next run can recognise and remove. Never throws: a machine without a writable v1 `cpu`
 * controller (not root, cgroup v2 only) gets the reason, and the bench leaves out those columns.
 */
export async function createCpuGroups(memorySizes: number[]): Promise<CpuGroups> {
  const hierarchy = CPU_HIERARCHIES.find((dir) => existsSync(path.join(dir, 'cpu.cfs_quota_us')));
  if (!hierarchy) return { available: false, reason: `no cgroup v1 cpu controller at ${CPU_HIERARCHIES.join(' or ')} (cgroup v2 only?)` };
  await removeLeftovers(hierarchy);
  const groups = new Map<number, CpuGroup>();
  const remove = async () => {
    for (const group of groups.values()) await removeGroup(hierarchy, group.dir);
    groups.clear();
  };
  try {
    for (const memoryMB of memorySizes) {
      const name = `${GROUP_PREFIX}${process.pid}-${memoryMB}mb`;
      const dir = path.join(hierarchy, name);
      await mkdir(dir);
      const group: CpuGroup = { memoryMB, dir, cgroupPath: `/${name}`, quotaUs: quotaUs(memoryMB), periodUs: PERIOD_US };
      groups.set(memoryMB, group);
      await writeFile(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      await writeFile(path.join(dir, 'cpu.cfs_quota_us'), String(group.quotaUs));
    }
  } catch (error) {
    await remove();
    return {
      available: false,
      reason: `cannot set up a cgroup under ${hierarchy}: ${error instanceof Error ? error.message : String(error)} (root needed)`,
    };
  }
  const stats = async () =>
    Promise.all(
      [...groups.values()].map(async (group) => {
        const fields = Object.fromEntries(
          (await readFile(path.join(group.dir, 'cpu.stat'), 'utf8'))
            .trim()
            .split('\n')
            .map((line) => line.split(' ') as [string, string]),
        );
        return {
          memoryMB: group.memoryMB,
          quotaUs: group.quotaUs,
          periodUs: group.periodUs,
          nrPeriods: Number(fields['nr_periods']),
          nrThrottled: Number(fields['nr_throttled']),
          throttledMs: Number(fields['throttled_time']) / 1e6,
        };
      }),
    );
  return { available: true, hierarchy, groups, stats, remove };
}

/**
 * The command that runs `command args...` inside the group from its first instruction: a shell
 * writes its own pid into cgroup.procs and then execs, so the measured process never runs
 * outside the quota (moving it in after spawn() would let its start-up run at full CPU).
 */
export function inGroup(group: CpuGroup, command: string, args: string[]): { command: string; args: string[] } {
  return { command: '/bin/sh', args: ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', group.dir, command, ...args] };
}

/** rmdir fails while a process is inside (EBUSY): move any stragglers to the root group first. */
async function removeGroup(hierarchy: string, dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const pids = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean);
  for (const pid of pids) await writeFile(path.join(hierarchy, 'cgroup.procs'), pid).catch(() => undefined);
  await rmdir(dir);
}

/** Groups of earlier bench runs whose process is gone (killed before it could clean up). */
async function removeLeftovers(hierarchy: string): Promise<void> {
  for (const name of await readdir(hierarchy)) {
    const owner = new RegExp(`^${GROUP_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner && !existsSync(`/proc/${owner}`)) await removeGroup(hierarchy, path.join(hierarchy, name)).catch(() => undefined);
  }
}

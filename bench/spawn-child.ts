import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inGroup, type CpuGroup } from './cpu-share.ts';

export const CHILD_SCRIPT = fileURLToPath(new URL('./child.mjs', import.meta.url));

export interface ChildReport {
  kind: 'baseline' | 'handler' | 'drain' | 'error';
  /** The child's performance.timeOrigin (epoch ms): when its process started. */
  timeOrigin: number;
  /** performance.now() when child.mjs began running: Node's own start-up. */
  startedMs: number;
  /** Importing the bundle (module evaluation, including the config read and SDK client set-up). */
  loadMs?: number;
  /** The first handler(event, context) call, until its promise settled. */
  invokeMs?: number;
  /** With more events: the invocations after the first in the same process (warm ones), each after a pause. */
  warmInvokeMs?: number[];
  warmStatusCodes?: Array<number | null>;
  /** performance.now() after the invocation: process start to handler done. */
  doneMs?: number;
  /** process.resourceUsage().maxRSS, KiB (on Linux it includes the parent's pages forked before exec). */
  maxRssKiB: number;
  /** Peak RSS of the child's own address space (Linux /proc/self/status VmHWM), KiB; null elsewhere. */
  hwmKiB: number | null;
  /** The child's group in the cgroup v1 `cpu` hierarchy (/proc/self/cgroup); null where there is none. */
  cpuCgroup: string | null;
  /** --drain: the GET, from request to the last byte. */
  drainMs?: number;
  bytes?: number;
  statusCode?: number | null;
  body?: string | null;
  error?: string;
}

/** `Report`: what the child writes on fd 3 (child.mjs's ChildReport unless another script is run). */
export interface ChildRun<Report = ChildReport> {
  /** Measured by the parent: spawn() to the child's exit. */
  wallMs: number;
  exitCode: number | null;
  report: Report | null;
  /** The end of the child's stdout and stderr, for diagnostics. */
  output: string;
}

/**
 * Runs `process.execPath args...` and collects the report the script (child.mjs) writes on fd 3.
 * stdout (the function's logs) and stderr are drained and only their tail is kept.
 * With a cpuGroup, the child runs inside it from its start (wall then includes a /bin/sh exec).
 */
export function runChild<Report = ChildReport>(args: string[], env: NodeJS.ProcessEnv, cpuGroup?: CpuGroup): Promise<ChildRun<Report>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const command = cpuGroup ? inGroup(cpuGroup, process.execPath, args) : { command: process.execPath, args };
    const child = spawn(command.command, command.args, { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let output = '';
    let reportText = '';
    const keepTail = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout!.on('data', keepTail);
    child.stderr!.on('data', keepTail);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      reportText += chunk.toString('utf8');
    });
    child.on('error', reject);
    let wallMs = 0;
    let exitCode: number | null = null;
    child.on('exit', (code) => {
      wallMs = performance.now() - started;
      exitCode = code;
    });
    // 'close' comes after 'exit', once the pipes are drained: the report is complete then.
    child.on('close', () => {
      let report: Report | null = null;
      try {
        report = reportText.trim() ? (JSON.parse(reportText.trim().split('\n').pop()!) as Report) : null;
      } catch {
        report = null;
      }
      resolve({ wallMs, exitCode, report, output });
    });
  });
}

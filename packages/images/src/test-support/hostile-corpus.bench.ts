/**
 * The decode budget, measured: renders each file of the hostile corpus (and normal photos, for
 * comparison) with the product's renderer, each in a fresh child process so that its peak RSS is
 * that file's alone, and prints a Markdown table (packages/images/README.md, "Decode budget").
 *
 *   npx tsx packages/images/src/test-support/hostile-corpus.bench.ts
 *
 * As root on a machine with cgroup v1 `cpu` and `memory` controllers, each child runs at the
 * processing Lambda's size: the CPU share of 1024 MB (0.579 vCPU, bench/cpu-share.ts) and a hard
 * 1024 MiB memory limit, so a file that would exhaust the function is killed here too. Elsewhere
 * the children run unconstrained and the table says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ImageContentType, RenderOutcome } from '@event-photos/core';
import { photoJpeg } from '@event-photos/testing/fixtures';
import { avifFlat, gifScreenBomb, hostileImages, png16BitRgbaBomb, type HostileImage } from '@event-photos/testing/hostile-images';
import { SharpPhotoRenderer } from '#lib/sharp-photo-renderer';
import { createCpuGroups, vcpuShare, type CpuGroups } from '../../../../bench/cpu-share.ts';

const MEMORY_MB = 1024;
const MEMORY_HIERARCHY = '/sys/fs/cgroup/memory';
const CHILD_TIMEOUT_MS = 180_000;

interface Measure {
  outcome: string;
  /** The render alone, from the call to its outcome. */
  wallMs: number;
  /** User and system CPU time of the render alone (libvips runs threads: it can exceed the wall time). */
  cpuMs: number;
  /** VmRSS before the render (Node, tsx and sharp loaded, the file read) and VmHWM after it. */
  startRssMiB: number;
  peakRssMiB: number;
}

const statusMiB = (field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

async function child(path: string, contentType: ImageContentType): Promise<void> {
  const bytes = readFileSync(path);
  const renderer = new SharpPhotoRenderer();
  const startRssMiB = statusMiB('VmRSS');
  const cpu = process.cpuUsage();
  const start = performance.now();
  const outcome: RenderOutcome = await renderer.render(bytes, contentType);
  const wallMs = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  const measure: Measure = {
    outcome: outcome.kind === 'rendered' ? `rendered ${outcome.width}x${outcome.height}` : `${outcome.kind}: ${outcome.reason}`,
    wallMs,
    cpuMs: (user + system) / 1000,
    startRssMiB,
    peakRssMiB: statusMiB('VmHWM'),
  };
  process.stdout.write(JSON.stringify(measure));
}

/** A cgroup v1 memory group limiting its processes to `MEMORY_MB` MiB (no swap on the machines this runs on). */
function createMemoryGroup(): { dir: string; remove: () => void } | { reason: string } {
  if (!existsSync(join(MEMORY_HIERARCHY, 'memory.limit_in_bytes')))
    return { reason: `no cgroup v1 memory controller at ${MEMORY_HIERARCHY}` };
  const dir = join(MEMORY_HIERARCHY, `event-photos-hostile-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(MEMORY_MB * 2 ** 20));
  } catch (error) {
    return { reason: `cannot set up a memory cgroup: ${error instanceof Error ? error.message : String(error)} (root needed)` };
  }
  return { dir, remove: () => rmdirSync(dir) };
}

function measure(dir: string, image: HostileImage, cpu: CpuGroups, memory: ReturnType<typeof createMemoryGroup>): Measure {
  const path = join(dir, image.name);
  writeFileSync(path, image.bytes);
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', path, image.contentType];
  // A shell puts itself in the groups and execs the child: it never runs outside them.
  const groups = [...(cpu.available ? [cpu.groups.get(MEMORY_MB)!.dir] : []), ...('dir' in memory ? [memory.dir] : [])];
  const enter = groups.map((group) => `echo $$ > ${group}/cgroup.procs`).join(' && ');
  const run = enter
    ? spawnSync('/bin/sh', ['-c', `${enter} && exec "$@"`, 'sh', process.execPath, ...args], {
        encoding: 'utf8',
        timeout: CHILD_TIMEOUT_MS,
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  if (run.status === 0) return JSON.parse(run.stdout) as Measure;
  const killed = run.signal === 'SIGKILL' && 'dir' in memory ? ` (over ${MEMORY_MB} MiB: the kernel's OOM killer)` : '';
  const why = run.error ? run.error.message : `${run.signal ?? `exit ${run.status}`}${killed}`;
  return { outcome: `process killed: ${why}`, wallMs: Number.NaN, cpuMs: Number.NaN, startRssMiB: Number.NaN, peakRssMiB: Number.NaN };
}

/** Deterministic noise (xorshift32): the same file every run. */
function noise(length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = 0x9e3779b9;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[index] = state & 0xff;
  }
  return out;
}

const seconds = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
const mib = (value: number) => (Number.isNaN(value) ? '-' : `${Math.round(value)} MiB`);
const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} KB`);

async function main(): Promise<void> {
  const corpus: HostileImage[] = [
    {
      name: 'photo-12mp.jpg',
      contentType: 'image/jpeg',
      what: 'for comparison: a 4000x3000 camera-like JPEG (noise)',
      bytes: await photoJpeg({ width: 4000, height: 3000 }),
    },
    ...(await hostileImages()),
    {
      name: 'avif-8192x8192',
      contentType: 'image/avif',
      what: 'an honest 8192x8192 AVIF of one colour: about 1.2 GB to decode',
      bytes: await avifFlat(8192),
    },
    // The worst each limit lets through.
    { name: 'gif-5000x5000', contentType: 'image/gif', what: 'at the GIF limit: 25 MP of one colour', bytes: gifScreenBomb(5000, 5000) },
    {
      name: 'png-6123x6123-rgba16-interlaced',
      contentType: 'image/png',
      what: 'at the decoded-bytes limit: 300 MB of 16-bit RGBA, interlaced',
      bytes: png16BitRgbaBomb(6123, { interlaced: true }),
    },
    {
      name: 'avif-4472x4472-10bit',
      contentType: 'image/avif',
      what: 'at the AVIF pixel limit: 20 MP, 10-bit (the most memory a pixel)',
      bytes: await avifFlat(4472, 10),
    },
    {
      name: 'avif-noise-2150x2150',
      contentType: 'image/avif',
      what: 'under the AVIF file-size limit: noise at quality 90, the slowest AV1 to decode',
      bytes: await sharp(noise(2150 * 2150 * 3), { raw: { width: 2150, height: 2150, channels: 3 } })
        .avif({ effort: 0, quality: 90 })
        .toBuffer(),
    },
    {
      name: 'jpeg-10000x10000-progressive',
      contentType: 'image/jpeg',
      what: 'at the pixel limit, progressive: the decoder holds every coefficient',
      bytes: await sharp(noise(500 * 500 * 3), { raw: { width: 500, height: 500, channels: 3 } })
        .resize(10_000, 10_000)
        .jpeg({ progressive: true, quality: 90 })
        .toBuffer(),
    },
  ];
  const cpu = await createCpuGroups([MEMORY_MB]);
  const memory = createMemoryGroup();
  const dir = mkdtempSync(join(tmpdir(), 'hostile-corpus-'));
  try {
    console.log(
      cpu.available
        ? `Each file in a fresh process at ${MEMORY_MB} MB's CPU share (${vcpuShare(MEMORY_MB).toFixed(3)} vCPU, cgroup v1 quota)`
        : `Each file in a fresh process at full CPU (${cpu.reason})`,
      'dir' in memory ? `limited to ${MEMORY_MB} MiB of memory (cgroup v1).` : `with no memory limit (${memory.reason}).`,
    );
    console.log('Time and CPU are the render alone; RSS before is Node, tsx and sharp loaded.\n');
    console.log('| File | Size | What it is | Time | CPU | RSS before | Peak RSS | Outcome |');
    console.log('|---|---:|---|---:|---:|---:|---:|---|');
    for (const image of corpus) {
      const { outcome, wallMs, cpuMs, startRssMiB, peakRssMiB } = measure(dir, image, cpu, memory);
      const cells = [
        image.name,
        size(image.bytes.length),
        image.what,
        seconds(wallMs),
        seconds(cpuMs),
        mib(startRssMiB),
        mib(peakRssMiB),
        outcome,
      ];
      console.log(`| ${cells.join(' | ')} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (cpu.available) await cpu.remove();
    if ('remove' in memory) memory.remove();
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]!, process.argv[4] as ImageContentType);
else await main();

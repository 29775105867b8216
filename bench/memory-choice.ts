/** Lambda on arm64 in eu-west-1 (the deploy's architecture and default region). */
export const PRICE = { perGbSecond: 0.0000133334, perMillionRequests: 0.2 } as const;
/**
 * AWS's own figure: cold starts are typically under 1% of invocations. Since August 2025 the INIT
 * phase of on-demand ZIP functions is billed like the invocation, so a cold one costs its whole
 * process start to done.
 */
export const COLD_FRACTION = 0.01;
/**
 * A synchronous function (API Gateway, someone waiting) should answer a cold request within this,
 * measured with a fifth to spare: two quiet runs of the same bundles at 256 MB's share differed by
 * that much (804-852 ms in an earlier one, 1,029-1,140 ms at commit 11e5285), so a size just
 * under 1 s in one run is over it in the next.
 */
export const COLD_BUDGET_MS = 800;
/** Memory must hold the measured peak RSS with this much to spare (heap growth, larger payloads). */
export const RSS_HEADROOM = 1.5;

export interface SizeFigures {
  memoryMB: number;
  /** Process start to first invocation done, median, at this size's CPU share. */
  coldMs: number;
  /** A second invocation in the same process, median, at this size's CPU share. */
  warmMs: number;
}

export interface CostedSize extends SizeFigures {
  fitsMemory: boolean;
  /** USD per million requests if all were warm / with COLD_FRACTION of them cold. */
  warmPerMillion: number;
  blendedPerMillion: number;
}

export interface MemoryChoice {
  name: string;
  configuredMB: number;
  chosenMB: number;
  reason: string;
  sizes: CostedSize[];
}

/** Lambda bills duration per millisecond, rounded up, times the memory in GB, plus a request fee. */
const perMillion = (memoryMB: number, ms: number) =>
  1e6 * ((memoryMB / 1024) * (Math.ceil(ms) / 1000) * PRICE.perGbSecond) + PRICE.perMillionRequests;

export function costSizes(sizes: SizeFigures[], peakRssMiB: number): CostedSize[] {
  return sizes.map((size) => {
    const warmPerMillion = perMillion(size.memoryMB, size.warmMs);
    const coldPerMillion = perMillion(size.memoryMB, size.coldMs);
    return {
      ...size,
      fitsMemory: peakRssMiB * RSS_HEADROOM <= size.memoryMB,
      warmPerMillion,
      blendedPerMillion: (1 - COLD_FRACTION) * warmPerMillion + COLD_FRACTION * coldPerMillion,
    };
  });
}

/**
 * A synchronous function gets the smallest size whose cold start fits COLD_BUDGET_MS (more memory
 * only costs more per warm request, which is I/O-bound); if none fits, the fastest. An asynchronous
 * one (nobody waits on it) gets the cheapest per request. Sizes that cannot hold the peak RSS with
 * headroom are out.
 */
export function chooseMemory(input: {
  name: string;
  configuredMB: number;
  synchronous: boolean;
  peakRssMiB: number;
  sizes: SizeFigures[];
}): MemoryChoice {
  const sizes = costSizes(input.sizes, input.peakRssMiB).sort((a, b) => a.memoryMB - b.memoryMB);
  const eligible = sizes.filter((size) => size.fitsMemory);
  const base = { name: input.name, configuredMB: input.configuredMB, sizes };
  if (!eligible.length) {
    const largest = sizes.at(-1)!;
    return {
      ...base,
      chosenMB: largest.memoryMB,
      reason: `no compared size holds peak RSS ${input.peakRssMiB.toFixed(0)} MiB x ${RSS_HEADROOM}: the largest`,
    };
  }
  const cheapest = eligible.reduce((best, size) => (size.blendedPerMillion < best.blendedPerMillion ? size : best));
  const costNote = (size: CostedSize) =>
    size === cheapest
      ? 'the cheapest'
      : `+$${(size.blendedPerMillion - cheapest.blendedPerMillion).toFixed(3)} per 1M requests over ${cheapest.memoryMB} MB`;
  if (!input.synchronous) {
    return {
      ...base,
      chosenMB: cheapest.memoryMB,
      reason: `asynchronous: the cheapest per request ($${cheapest.blendedPerMillion.toFixed(3)} per 1M, cold start ${cheapest.coldMs.toFixed(0)} ms)`,
    };
  }
  const fits = eligible.find((size) => size.coldMs <= COLD_BUDGET_MS);
  if (fits) {
    return {
      ...base,
      chosenMB: fits.memoryMB,
      reason: `smallest with cold start ${fits.coldMs.toFixed(0)} ms <= ${COLD_BUDGET_MS} ms; ${costNote(fits)}`,
    };
  }
  const fastest = eligible.reduce((best, size) => (size.coldMs < best.coldMs ? size : best));
  return {
    ...base,
    chosenMB: fastest.memoryMB,
    reason: `no size within ${COLD_BUDGET_MS} ms: the fastest (${fastest.coldMs.toFixed(0)} ms); ${costNote(fastest)}`,
  };
}

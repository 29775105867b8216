/**
 * Paces the PUTs of several uploads over one uplink, so that the first photo is done soon.
 *
 * On a slow uplink (a phone at an event: 1-2 Mbps up) four PUTs at once split the link four
 * ways, and the first photo is done only when nearly all four are. So it starts with one PUT at a
 * time and widens only when that helps: when a PUT ends, the bytes per second sent at the current
 * width are compared with those at one less; a width that does not send at least GAIN times as
 * fast goes back down and stays there for a while. PUTs too short to measure (a fast link, small
 * files: the round trips dominate) widen at once. Throughput comes from the PUTs' progress.
 */

export interface PacerOptions {
  /** The most PUTs at once, however fast the link. */
  maxConcurrency: number;
  now?: () => number;
}

export interface PutSlot {
  /** Bytes of this PUT that reached the network since the last call. */
  sent(bytes: number): void;
  /** The PUT is over (done, failed or cancelled); `completed`: storage took every byte. */
  release(completed: boolean): void;
}

/** A width must send this much faster than one less to be kept. */
const GAIN = 1.2;
/** Shorter measurements say nothing about the link. */
const MIN_MEASURE_MS = 1000;
/** After going back down, try wider again only after this long (the network may have changed). */
const REPROBE_AFTER_MS = 120_000;
/** Throughput is what was sent over about this much of the recent past. */
const RATE_SPAN_MS = 8000;

export class UplinkPacer {
  readonly #max: number;
  readonly #now: () => number;
  #limit = 1;
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  /** Bytes sent and time spent at each width (PUTs at once), while measured. */
  readonly #at = new Map<number, { bytes: number; ms: number }>();
  #windowStart: number;
  #windowBytes = 0;
  #probeAfter = 0;
  /** [time, total bytes sent] samples of the recent past, for the rate shown to people. */
  readonly #samples: Array<[number, number]> = [];
  #total = 0;

  constructor({ maxConcurrency, now = Date.now }: PacerOptions) {
    this.#max = Math.max(1, Math.floor(maxConcurrency));
    this.#now = now;
    this.#windowStart = now();
  }

  /** PUTs allowed at once now. */
  get limit(): number {
    return this.#limit;
  }

  get active(): number {
    return this.#active;
  }

  /** Whether acquire would get a slot at once. */
  get available(): boolean {
    return this.#active < this.#limit && this.#waiting.length === 0;
  }

  /** Bytes per second sent lately, or undefined before there is enough to tell. */
  bytesPerSecond(): number | undefined {
    const now = this.#now();
    while (this.#samples.length > 2 && now - this.#samples[1]![0] > RATE_SPAN_MS) this.#samples.shift();
    const first = this.#samples[0];
    if (!first || now - first[0] < MIN_MEASURE_MS) return undefined;
    return ((this.#total - first[1]) * 1000) / (now - first[0]);
  }

  /** Waits for a free slot (in the order asked). */
  async acquire(signal?: AbortSignal): Promise<PutSlot> {
    signal?.throwIfAborted();
    if (this.#active >= this.#limit || this.#waiting.length > 0) {
      await new Promise<void>((resolve, reject) => {
        const granted = () => {
          signal?.removeEventListener('abort', aborted);
          resolve();
        };
        const aborted = () => {
          this.#waiting.splice(this.#waiting.indexOf(granted), 1);
          reject(signal!.reason);
        };
        this.#waiting.push(granted);
        signal?.addEventListener('abort', aborted, { once: true });
      });
    } else {
      this.#closeWindow();
      this.#active++;
    }
    return this.#slot();
  }

  #slot(): PutSlot {
    const started = this.#now();
    let released = false;
    return {
      sent: (bytes) => {
        if (released || bytes <= 0) return;
        this.#windowBytes += bytes;
        this.#total += bytes;
        this.#samples.push([this.#now(), this.#total]);
      },
      release: (completed) => {
        if (released) return;
        released = true;
        this.#closeWindow();
        this.#active--;
        if (completed) this.#decide(this.#now() - started);
        this.#grant();
      },
    };
  }

  /** Hands free slots to those waiting, first come first served (the slot is theirs before they run). */
  #grant(): void {
    while (this.#waiting.length > 0 && this.#active < this.#limit) {
      this.#closeWindow();
      this.#active++;
      this.#waiting.shift()!();
    }
  }

  /** Starts again from one PUT at a time (the network changed: back online). */
  reset(): void {
    this.#closeWindow();
    this.#at.clear();
    this.#limit = 1;
    this.#probeAfter = 0;
    this.#samples.length = 0;
  }

  #closeWindow(): void {
    const now = this.#now();
    const ms = now - this.#windowStart;
    if (this.#active > 0 && ms > 0) {
      const seen = this.#at.get(this.#active) ?? { bytes: 0, ms: 0 };
      this.#at.set(this.#active, { bytes: seen.bytes + this.#windowBytes, ms: seen.ms + ms });
    }
    this.#windowStart = now;
    this.#windowBytes = 0;
  }

  #rate(width: number): number | undefined {
    const seen = this.#at.get(width);
    return seen && seen.ms >= MIN_MEASURE_MS ? seen.bytes / seen.ms : undefined;
  }

  /** After a PUT that completed in `ms`: narrower, wider or the same. */
  #decide(ms: number): void {
    const now = this.#now();
    const here = this.#rate(this.#limit);
    const below = this.#limit > 1 ? this.#rate(this.#limit - 1) : undefined;
    if (here !== undefined && below !== undefined && here < below * GAIN) {
      this.#limit--;
      this.#probeAfter = now + REPROBE_AFTER_MS;
      this.#at.delete(this.#limit + 1);
      return;
    }
    if (this.#limit >= this.#max || now < this.#probeAfter) return;
    if (ms < MIN_MEASURE_MS || (here !== undefined && (below === undefined || here >= below * GAIN))) {
      this.#limit++;
      this.#at.delete(this.#limit);
    }
  }
}

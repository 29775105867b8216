/**
 * What the proxy knows of each object's current version: its ETag, or null when it is known to
 * be absent. Every write to the store goes through the proxy (s3rver listens on a private port),
 * so conditional requests (If-None-Match on PUT, If-Match on GET, a copy pinned to its source's
 * version) need no extra HEAD to s3rver once a key was written or probed. A probe only records
 * what it saw if no write of that key finished meanwhile (the generation check), so a slow probe
 * never overwrites a newer write. Bounded: the oldest entries go first.
 */
export class EtagCache {
  readonly #etags = new Map<string, string | null>();
  readonly #generations = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  /** The known state: an ETag, null (absent), or undefined (unknown: probe it). */
  get(id: string): string | null | undefined {
    return this.#etags.get(id);
  }

  /** A write finished: this is now the object's state (undefined: unknown, e.g. a copy's target). */
  written(id: string, etag: string | null | undefined): void {
    this.#generations.set(id, (this.#generations.get(id) ?? 0) + 1);
    if (etag === undefined) this.#etags.delete(id);
    else this.#remember(id, etag);
  }

  /** Runs a probe of the store and records its answer unless a write of `id` finished meanwhile. */
  async probe<T extends { etag: string | null }>(id: string, look: () => Promise<T>): Promise<T> {
    const generation = this.#generations.get(id);
    const seen = await look();
    if (this.#generations.get(id) === generation) this.#remember(id, seen.etag);
    return seen;
  }

  #remember(id: string, etag: string | null): void {
    this.#etags.delete(id);
    this.#etags.set(id, etag);
    if (this.#etags.size > this.limit) {
      const oldest = this.#etags.keys().next().value!;
      this.#etags.delete(oldest);
      this.#generations.delete(oldest);
    }
  }
}

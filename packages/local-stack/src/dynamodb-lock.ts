/** Gives the lock back; a second call does nothing. */
export type Release = () => void;

/**
 * A first-come first-served read-write lock: any number of shared holders at once, or one
 * exclusive holder alone. A request waits behind every request that came before it, so a
 * stream of readers cannot starve a writer (nor writers a reader).
 */
export class ReadWriteLock {
  private shared = 0;
  private exclusive = false;
  private readonly waiting: { exclusive: boolean; grant: (release: Release) => void }[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  acquire(exclusive: boolean): Promise<Release> {
    return new Promise((grant) => {
      this.waiting.push({ exclusive, grant });
      this.pump();
    });
  }

  /** Resolves once nobody holds the lock and nobody waits for it. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return !this.exclusive && this.shared === 0 && this.waiting.length === 0;
  }

  private pump(): void {
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      if (this.exclusive || (next.exclusive && this.shared > 0)) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusive = true;
      else this.shared++;
      next.grant(this.releaser(next.exclusive));
    }
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private releaser(exclusive: boolean): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.pump();
    };
  }
}

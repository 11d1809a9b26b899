/**
 * Per-key mutual exclusion inside one process. Used by the MongoDB adapter: FerretDB v1 runs a
 * conditional update as "query, then write by _id", so two concurrent conditional writes of one
 * document could both pass their filter; serialising them per document keeps the version guard exact
 * for every writer in this process (on real MongoDB it only costs a little concurrency).
 */
export class KeyLock {
  private readonly tails = new Map<string, Promise<void>>();

  async with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    // Sorted acquisition: two callers locking overlapping key sets can never wait on each other in a cycle.
    const ordered = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of ordered) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

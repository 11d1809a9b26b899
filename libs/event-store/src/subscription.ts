import type { StoredEvent, SubscribeOptions } from './types';
import { validateReadAllOptions } from './validation';

/**
 * A wake-up signal with a generation counter: a reader notes the generation before reading and waits
 * only if nothing changed since, so a change that lands between "read" and "wait" is never missed.
 */
export class ChangeSignal {
  private generation = 0;
  private waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves when the generation moves past `seen`, after `timeoutMs`, or when `signal` aborts. */
  waitForChange(seen: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.generation !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export type SubscriptionSource = {
  /** Reads committed, gap-safe events after `fromPosition`. */
  read(fromPosition: number, limit: number, categories: readonly string[] | undefined): Promise<StoredEvent[]>;
  /**
   * True when committed events exist that are not yet safe to deliver (a concurrent, older
   * transaction is still open): the reader then retries shortly instead of waiting for a wake-up.
   */
  hasPendingTail?(): Promise<boolean>;
  changes: ChangeSignal;
  /** Longest wait for a wake-up before re-reading anyway (guards against a lost notification). */
  idleRecheckMs: number;
};

/** Catch-up then live subscription over any readAll-capable source, delivering each event exactly once in order. */
export async function* subscribe(source: SubscriptionSource, options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
  const { fromPosition, limit, categories } = validateReadAllOptions(options);
  const { signal } = options;
  let position = fromPosition;
  let caughtUp = false;
  let pendingBackoffMs = 1;
  while (!signal?.aborted) {
    const seen = source.changes.current;
    const batch = await source.read(position, limit, categories);
    for (const event of batch) {
      if (signal?.aborted) return;
      position = event.globalPosition;
      yield event;
    }
    if (batch.length === limit) continue;
    if (!caughtUp) {
      caughtUp = true;
      options.onCaughtUp?.();
    }
    if (source.hasPendingTail && (await source.hasPendingTail())) {
      await source.changes.waitForChange(seen, pendingBackoffMs, signal);
      pendingBackoffMs = Math.min(pendingBackoffMs * 2, 50);
      continue;
    }
    pendingBackoffMs = 1;
    await source.changes.waitForChange(seen, source.idleRecheckMs, signal);
  }
}

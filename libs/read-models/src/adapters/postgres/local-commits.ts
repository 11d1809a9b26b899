import type { StoredDocument } from '../../internal/backend';

/** A document a transaction of this process is about to commit (upserts only: deletes are just announced). */
export type LocalWrite = { collection: string; doc: StoredDocument };

/**
 * Hears, before its COMMIT, which documents a transaction of this process wrote (only rows the statement
 * really changed: a version guard that skipped a row leaves it out), and returns a callback told whether
 * the transaction committed (`false` also when the outcome is unknown, e.g. the connection broke during
 * COMMIT). Write-through caches (`cachedReader(…, { writeThrough: true })`) keep what committed.
 */
export type LocalCommitObserver = (writes: readonly LocalWrite[]) => (committed: boolean) => void;

/** The observers of one store's transactions. */
export class LocalCommits {
  private readonly observers = new Set<LocalCommitObserver>();

  observe(observer: LocalCommitObserver): () => void {
    this.observers.add(observer);
    return () => void this.observers.delete(observer);
  }

  get observed(): boolean {
    return this.observers.size > 0;
  }

  /** Before COMMIT: tells every observer; the result is called with the outcome. */
  committing(writes: readonly LocalWrite[]): (committed: boolean) => void {
    if (writes.length === 0 || this.observers.size === 0) return () => undefined;
    const outcomes = [...this.observers].map((observer) => observer(writes));
    return (committed) => {
      for (const outcome of outcomes) outcome(committed);
    };
  }
}

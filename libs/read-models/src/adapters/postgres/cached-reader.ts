import type { Collection, DocumentStore } from '../../types';
import type { BaseDocument } from '../../types';
import type { ChangeEvent, DocumentChangeListener } from './change-feed';

export type CachedReaderOptions<D, T> = {
  /** Entries kept (least recently used go first; default 10,000). */
  maxEntries?: number;
  /** What is cached for a document (e.g. its parsed payload); treat the result as read-only: readers share it. */
  map: (doc: D) => T;
};

/** Reads of one collection through an in-process cache that change notifications keep exact. */
export interface CachedDocumentReader<T> {
  get(tenantId: string, id: string): Promise<T | undefined>;
  /** Cache statistics (hits, misses) since creation. */
  stats(): { hits: number; misses: number; size: number };
  close(): void;
}

/**
 * A cache of one collection's documents in this process. Entries are dropped when a committed write of
 * another (or this) process announces them (see `changeFeed` of `PostgresDocumentStore.connect`); a read
 * that a change overtook is not cached; while the listener is not connected nothing is cached or served
 * from the cache. Absent documents are not cached (their creation would not be missed, but there is
 * little to gain). Concurrent misses of one document share one read (a burst of reads of a guest
 * whose view just changed makes one query, not one each), unless a change was announced since that
 * read began.
 */
export function createCachedReader<D extends BaseDocument, T>(store: DocumentStore, listener: DocumentChangeListener, collection: Collection<D>, options: CachedReaderOptions<D, T>): CachedDocumentReader<T> {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, T>();
  /** Reads in flight per key: a change that arrives meanwhile marks them stale. */
  const inFlight = new Map<string, Set<{ stale: boolean }>>();
  /** The read of each key that later misses may join. */
  const shared = new Map<string, { token: { stale: boolean }; value: Promise<T | undefined> }>();
  let hits = 0;
  let misses = 0;
  const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

  const markStale = (key: string | null) => {
    if (key === null) {
      entries.clear();
      for (const tokens of inFlight.values()) for (const token of tokens) token.stale = true;
      return;
    }
    entries.delete(key);
    for (const token of inFlight.get(key) ?? []) token.stale = true;
  };
  const unsubscribe = listener.subscribe((event: ChangeEvent) => {
    if (event.type === 'changed') {
      for (const [name, tenantId, id] of event.changes) if (name === collection.name) markStale(keyOf(tenantId, id));
    } else if (event.collections === null || event.collections.includes(collection.name)) {
      markStale(null);
    }
  });

  return {
    async get(tenantId, id) {
      const key = keyOf(tenantId, id);
      const live = listener.live();
      if (live) {
        const cached = entries.get(key);
        if (cached !== undefined) {
          hits++;
          // refresh recency: Map iterates in insertion order
          entries.delete(key);
          entries.set(key, cached);
          return cached;
        }
      }
      misses++;
      const running = shared.get(key);
      if (running && !running.token.stale) return running.value;
      const token = { stale: !live };
      const tokens = inFlight.get(key) ?? new Set();
      tokens.add(token);
      inFlight.set(key, tokens);
      // `let`: a synchronous throw in the read runs the finally below before the assignment
      let value: Promise<T | undefined> | undefined = undefined;
      value = (async () => {
        try {
          const doc = await store.forTenant(tenantId).get(collection, id);
          if (doc === undefined) return undefined;
          const mapped = options.map(doc);
          if (!token.stale && listener.live()) {
            entries.set(key, mapped);
            if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
          }
          return mapped;
        } finally {
          tokens.delete(token);
          if (tokens.size === 0) inFlight.delete(key);
          if (shared.get(key)?.value === value) shared.delete(key);
        }
      })();
      shared.set(key, { token, value });
      return value;
    },
    stats: () => ({ hits, misses, size: entries.size }),
    close: () => {
      unsubscribe();
      entries.clear();
    },
  };
}

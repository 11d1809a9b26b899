import type { Collection, DocumentStore } from '../../types';
import type { BaseDocument } from '../../types';
import type { ChangeEvent, DocumentChangeListener } from './change-feed';
import type { LocalCommits } from './local-commits';

export type CachedReaderOptions<D, T> = {
  /** Entries kept (least recently used go first; default 10,000). */
  maxEntries?: number;
  /**
   * A bound on the entries' total size as `sizeOf` measures it (e.g. characters of a JSON payload); least
   * recently used go first. Without `sizeOf` only `maxEntries` bounds the cache.
   */
  maxSize?: number;
  sizeOf?: (doc: D) => number;
  /** What is cached for a document (e.g. its parsed payload); treat the result as read-only: readers share it. */
  map: (doc: D) => T;
  /**
   * Write-through: documents of the collection that this store's own transactions commit are cached as
   * they were written (mapped on their first read), so a read right after this process changed a
   * document costs no round trip. The collection must be in the store's `changeFeed`.
   */
  writeThrough?: boolean;
};

/** Reads of one collection through an in-process cache that change notifications keep exact. */
export interface CachedDocumentReader<T> {
  get(tenantId: string, id: string): Promise<T | undefined>;
  /** Cache statistics since creation: hits, misses, entries, and documents cached by write-through. */
  stats(): { hits: number; misses: number; size: number; writtenThrough: number };
  close(): void;
}

/** A cached document: its version, and its mapped value (mapped on first read when it came from a write). */
type Entry<D, T> = { version: number; size: number; value?: T; doc?: D };

/** A read in flight: changes announced meanwhile with at least `minVersion` make an older result unfit to keep. */
type ReadToken = { minVersion: number };

/** A document this process is committing: cached after COMMIT unless a newer version was announced meanwhile. */
type Intent = { version: number; stale: boolean };

/**
 * A cache of one collection's documents in this process. Announced changes (see `changeFeed` of
 * `PostgresDocumentStore.connect`) drop entries older than the announced version; a read that a change
 * overtook is not cached; while the listener is not connected nothing is cached or served from the cache.
 * Absent documents are not cached (their creation would not be missed, but there is little to gain).
 * Concurrent misses of one document share one read (a burst of reads of a guest whose view just changed
 * makes one query, not one each), unless a change was announced since that read began. With
 * `writeThrough`, `localCommits` tells it which documents this store's transactions commit.
 */
export function createCachedReader<D extends BaseDocument, T>(
  store: DocumentStore,
  listener: DocumentChangeListener,
  collection: Collection<D>,
  options: CachedReaderOptions<D, T>,
  localCommits?: LocalCommits,
): CachedDocumentReader<T> {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxSize = options.sizeOf ? (options.maxSize ?? Infinity) : Infinity;
  const sizeOf = options.sizeOf ?? (() => 0);
  const entries = new Map<string, Entry<D, T>>();
  let totalSize = 0;
  /** Reads in flight per key: a change that arrives meanwhile raises their bar. */
  const inFlight = new Map<string, Set<ReadToken>>();
  /** The read of each key that later misses may join (while no change was announced since it began). */
  const shared = new Map<string, { token: ReadToken; value: Promise<T | undefined> }>();
  /** Documents this process is committing, per key. */
  const intents = new Map<string, Set<Intent>>();
  let hits = 0;
  let misses = 0;
  let writtenThrough = 0;
  const keyOf = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    totalSize -= entry.size;
  };
  /** Keeps `doc` unless a newer version is cached already; then evicts the least recently used beyond the bounds. */
  const keep = (key: string, doc: D, mapped?: { value: T }) => {
    const existing = entries.get(key);
    if (existing && existing.version >= doc.version) return;
    remove(key);
    const size = sizeOf(doc);
    if (size > maxSize) return;
    entries.set(key, mapped ? { version: doc.version, size, value: mapped.value } : { version: doc.version, size, doc });
    totalSize += size;
    for (const [oldest] of entries) {
      if (entries.size <= maxEntries && totalSize <= maxSize) break;
      remove(oldest);
    }
  };
  /** A change of `key` to `version` (undefined: unknown, so anything held may be older). */
  const changed = (key: string, version: number | undefined) => {
    const bar = version ?? Infinity;
    const entry = entries.get(key);
    if (entry && entry.version < bar) remove(key);
    for (const token of inFlight.get(key) ?? []) token.minVersion = Math.max(token.minVersion, bar);
    for (const intent of intents.get(key) ?? []) if (bar > intent.version) intent.stale = true;
  };
  const resetAll = () => {
    entries.clear();
    totalSize = 0;
    for (const tokens of inFlight.values()) for (const token of tokens) token.minVersion = Infinity;
    for (const set of intents.values()) for (const intent of set) intent.stale = true;
  };
  const unsubscribe = listener.subscribe((event: ChangeEvent) => {
    if (event.type === 'changed') {
      for (const [name, tenantId, id, version] of event.changes) if (name === collection.name) changed(keyOf(tenantId, id), version);
    } else if (event.collections === null || event.collections.includes(collection.name)) {
      resetAll();
    }
  });

  const stopObserving = options.writeThrough
    ? localCommits?.observe((writes) => {
        const mine: Array<{ key: string; doc: D; intent: Intent }> = [];
        for (const write of writes) {
          if (write.collection !== collection.name) continue;
          const doc = write.doc as D;
          const key = keyOf(doc.tenantId, doc.id);
          const intent: Intent = { version: doc.version, stale: false };
          const set = intents.get(key) ?? new Set();
          set.add(intent);
          intents.set(key, set);
          mine.push({ key, doc, intent });
        }
        return (committed) => {
          const live = listener.live();
          for (const { key, doc, intent } of mine) {
            const set = intents.get(key);
            set?.delete(intent);
            if (set?.size === 0) intents.delete(key);
            if (!committed || intent.stale || !live) continue;
            try {
              keep(key, doc);
              writtenThrough++;
            } catch {
              remove(key); // (a failing sizeOf): the document is read when asked for, as without write-through
            }
          }
        };
      })
    : undefined;

  /** The value of a cached entry (mapping a written-through document on its first read). */
  const valueOf = (key: string, entry: Entry<D, T>): T => {
    if (entry.doc !== undefined) {
      try {
        entry.value = options.map(entry.doc);
      } catch (error) {
        remove(key);
        throw error;
      }
      entry.doc = undefined;
    }
    return entry.value as T;
  };

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
          return valueOf(key, cached);
        }
      }
      misses++;
      const running = shared.get(key);
      if (running && running.token.minVersion === -Infinity) return running.value;
      const token: ReadToken = { minVersion: live ? -Infinity : Infinity };
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
          if (doc.version >= token.minVersion && listener.live()) keep(key, doc, { value: mapped });
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
    stats: () => ({ hits, misses, size: entries.size, writtenThrough }),
    close: () => {
      unsubscribe();
      stopObserving?.();
      entries.clear();
      totalSize = 0;
    },
  };
}

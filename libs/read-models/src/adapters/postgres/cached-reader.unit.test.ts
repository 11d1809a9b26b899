import { defineCollection } from '../../collection';
import type { BaseDocument, DocumentStore } from '../../types';
import type { ChangeEvent, DocumentChangeListener } from './change-feed';
import { createCachedReader } from './cached-reader';
import { LocalCommits } from './local-commits';

type View = BaseDocument & { n: number };
const views = defineCollection<View>({ name: 'views' });

/** A store whose reads wait until `answer()`: how many were asked, and for what. */
function slowStore() {
  const asked: string[] = [];
  const waiting: Array<() => void> = [];
  let n = 0;
  const store = {
    forTenant: (tenantId: string) => ({
      get: (_collection: unknown, id: string) => {
        asked.push(id);
        const version = ++n;
        return new Promise((resolve) => waiting.push(() => resolve({ id, tenantId, version, n: version })));
      },
    }),
  } as unknown as DocumentStore;
  return { store, asked, answer: () => waiting.splice(0).forEach((go) => go()) };
}

function fakeListener() {
  const subscribers = new Set<(event: ChangeEvent) => void>();
  const listener = { live: () => true, subscribe: (fn: (event: ChangeEvent) => void) => (subscribers.add(fn), () => subscribers.delete(fn)) } as unknown as DocumentChangeListener;
  const emit = (event: ChangeEvent) => subscribers.forEach((fn) => fn(event));
  return {
    listener,
    /** A change of `id` (to `version`; without one: unknown, as for a delete). */
    announce: (id: string, version?: number) => emit({ type: 'changed', changes: [version === undefined ? ['views', 't1', id] : ['views', 't1', id, version]] }),
    reset: () => emit({ type: 'reset', collections: null }),
  };
}

/** A store that answers every read with the document it holds (counting the reads). */
function fixedStore(docs: Record<string, View>) {
  const reads: string[] = [];
  const store = {
    forTenant: () => ({
      get: async (_collection: unknown, id: string) => {
        reads.push(id);
        return docs[id];
      },
    }),
  } as unknown as DocumentStore;
  return { store, reads };
}

const view = (id: string, version: number, n = version): View => ({ id, tenantId: 't1', version, n });

describe('createCachedReader', () => {
  it('lets concurrent misses of one document share one read', async () => {
    const { store, asked, answer } = slowStore();
    const reader = createCachedReader(store, fakeListener().listener, views, { map: (doc) => doc.n });
    const reads = [reader.get('t1', 'g1'), reader.get('t1', 'g1'), reader.get('t1', 'g1'), reader.get('t1', 'g2')];
    answer();
    expect(await Promise.all(reads)).toEqual([1, 1, 1, 2]);
    expect(asked).toEqual(['g1', 'g2']);
    expect(await reader.get('t1', 'g1')).toBe(1); // cached now
    expect(asked).toHaveLength(2);
  });

  it('does not join a read that a change overtook: a later miss reads again and only the fresh value is cached', async () => {
    const { store, asked, answer } = slowStore();
    const feed = fakeListener();
    const reader = createCachedReader(store, feed.listener, views, { map: (doc) => doc.n });
    const before = reader.get('t1', 'g1');
    feed.announce('g1'); // committed while the first read was on its way
    const after = reader.get('t1', 'g1');
    answer();
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    expect(asked).toEqual(['g1', 'g1']);
    expect(await reader.get('t1', 'g1')).toBe(2);
    expect(asked).toHaveLength(2);
  });

  it('a failed read is shared by its joiners and not remembered', async () => {
    let fail = true;
    let calls = 0;
    const store = {
      forTenant: (tenantId: string) => ({
        get: async (_c: unknown, id: string) => {
          calls++;
          await new Promise((resolve) => setImmediate(resolve));
          if (fail) throw new Error('connection lost');
          return { id, tenantId, version: 1, n: 7 };
        },
      }),
    } as unknown as DocumentStore;
    const reader = createCachedReader(store, fakeListener().listener, views, { map: (doc) => doc.n });
    const results = await Promise.allSettled([reader.get('t1', 'g1'), reader.get('t1', 'g1')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    fail = false;
    expect(await reader.get('t1', 'g1')).toBe(7);
    expect(calls).toBe(2);
  });

  it('keeps an entry when a change of a version it already holds is announced, and drops it for a newer one', async () => {
    const docs = { g1: view('g1', 5) };
    const { store, reads } = fixedStore(docs);
    const feed = fakeListener();
    const reader = createCachedReader(store, feed.listener, views, { map: (doc) => doc.n });
    expect(await reader.get('t1', 'g1')).toBe(5);
    feed.announce('g1', 5); // e.g. its own announcement arriving after the read
    feed.announce('g1', 4);
    expect(await reader.get('t1', 'g1')).toBe(5);
    expect(reads).toEqual(['g1']);
    docs.g1 = view('g1', 6);
    feed.announce('g1', 6);
    expect(await reader.get('t1', 'g1')).toBe(6);
    feed.announce('g1'); // unknown version (a delete): dropped
    expect(await reader.get('t1', 'g1')).toBe(6);
    expect(reads).toEqual(['g1', 'g1', 'g1']);
  });

  it('does not keep a read that returns an older version than one announced while it was on its way', async () => {
    const { store, asked, answer } = slowStore(); // answers version 1, then 2, …
    const feed = fakeListener();
    const reader = createCachedReader(store, feed.listener, views, { map: (doc) => doc.n });
    const first = reader.get('t1', 'g1');
    feed.announce('g1', 7);
    answer();
    expect(await first).toBe(1);
    const second = reader.get('t1', 'g1');
    answer();
    expect(await second).toBe(2);
    expect(asked).toEqual(['g1', 'g1']);
  });

  it('bounds the entries by size: the least recently used go first', async () => {
    const docs = Object.fromEntries(['a', 'b', 'c', 'd'].map((id, i) => [id, view(id, 1, i)]));
    const { store, reads } = fixedStore(docs);
    const reader = createCachedReader(store, fakeListener().listener, views, { map: (doc) => doc.n, sizeOf: () => 10, maxSize: 30 });
    for (const id of ['a', 'b', 'c']) await reader.get('t1', id);
    await reader.get('t1', 'a'); // a is now the most recently used
    await reader.get('t1', 'd'); // evicts b
    expect(reader.stats().size).toBe(3);
    reads.length = 0;
    for (const id of ['a', 'c', 'd', 'b']) await reader.get('t1', id);
    expect(reads).toEqual(['b']);
  });

  describe('write-through', () => {
    const setUp = (docs: Record<string, View> = {}) => {
      const { store, reads } = fixedStore(docs);
      const feed = fakeListener();
      const commits = new LocalCommits();
      let mapped = 0;
      const reader = createCachedReader(store, feed.listener, views, { map: (doc) => (mapped++, doc.n), writeThrough: true }, commits);
      const commit = (...written: View[]) => commits.committing(written.map((doc) => ({ collection: 'views', doc })));
      return { reader, reads, feed, commit, commits, mapped: () => mapped };
    };

    it('serves a document this process committed without reading it, mapped once on its first read', async () => {
      const { reader, reads, feed, commit, mapped } = setUp();
      const done = commit(view('g1', 3, 30), { ...view('g1', 3), id: 'other' } as View);
      expect(mapped()).toBe(0);
      done(true);
      feed.announce('g1', 3); // its own announcement, after the commit
      expect(await reader.get('t1', 'g1')).toBe(30);
      expect(await reader.get('t1', 'g1')).toBe(30);
      expect(reads).toEqual([]);
      expect(mapped()).toBe(1);
      expect(reader.stats()).toMatchObject({ hits: 2, misses: 0, writtenThrough: 2 });
    });

    it('keeps it when its own announcement arrives before the commit is acknowledged', async () => {
      const { reader, reads, feed, commit } = setUp();
      const done = commit(view('g1', 3, 30));
      feed.announce('g1', 3);
      done(true);
      expect(await reader.get('t1', 'g1')).toBe(30);
      expect(reads).toEqual([]);
    });

    it('caches nothing when a newer version was announced meanwhile, the transaction failed, or everything was reset', async () => {
      const docs = { g1: view('g1', 9, 90), g2: view('g2', 9, 90), g3: view('g3', 9, 90) };
      const { reader, reads, feed, commit } = setUp(docs);
      const overtaken = commit(view('g1', 3, 30));
      feed.announce('g1', 3);
      feed.announce('g1', 9); // another process committed a newer version before this one was acknowledged
      overtaken(true);
      commit(view('g2', 3, 30))(false);
      const reset = commit(view('g3', 3, 30));
      feed.reset();
      reset(true);
      expect(await reader.get('t1', 'g1')).toBe(90);
      expect(await reader.get('t1', 'g2')).toBe(90);
      expect(await reader.get('t1', 'g3')).toBe(90);
      expect(reads).toEqual(['g1', 'g2', 'g3']);
      expect(reader.stats().writtenThrough).toBe(0);
    });

    it('never replaces a newer cached version with an older write or read', async () => {
      const { reader, reads, commit } = setUp({ g1: view('g1', 2, 20) });
      commit(view('g1', 5, 50))(true);
      commit(view('g1', 4, 40))(true); // acknowledged after the newer one
      expect(await reader.get('t1', 'g1')).toBe(50);
      expect(reads).toEqual([]);
    });

    it('stops when closed, and is off unless asked for', async () => {
      const { reader, commit, commits } = setUp();
      reader.close();
      expect(commits.observed).toBe(false);
      commit(view('g1', 1))(true);
      const plain = createCachedReader(fixedStore({}).store, fakeListener().listener, views, { map: (doc) => doc.n }, commits);
      expect(commits.observed).toBe(false);
      expect(plain.stats().writtenThrough).toBe(0);
    });
  });
});

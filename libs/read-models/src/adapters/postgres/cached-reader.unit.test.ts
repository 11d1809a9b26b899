import { defineCollection } from '../../collection';
import type { BaseDocument, DocumentStore } from '../../types';
import type { ChangeEvent, DocumentChangeListener } from './change-feed';
import { createCachedReader } from './cached-reader';

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
  return { listener, announce: (id: string) => subscribers.forEach((fn) => fn({ type: 'changed', changes: [['views', 't1', id]] })) };
}

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
});

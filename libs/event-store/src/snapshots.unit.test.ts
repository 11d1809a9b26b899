import { MemoryEventStore } from './adapters/memory/memory-event-store';
import { describeSnapshotStoreConformance } from './conformance/snapshot-store.conformance';
import { testEvent } from './conformance/fixtures';
import { aggregateStream, handleCommand, type Decider } from './decider';
import { MemorySnapshotStore, type SnapshotPolicy } from './snapshots';
import type { EventStore, ReadStreamOptions } from './types';

describeSnapshotStoreConformance('in-memory', async () => ({ store: new MemorySnapshotStore() }));

type E = { type: 'Visited'; data: { brand: string } };
// State with a Set, to exercise toJson/fromJson.
const visits: Decider<{ count: number; brands: Set<string> }, { type: 'Visit'; brand: string }, E> = {
  initialState: () => ({ count: 0, brands: new Set() }),
  decide: (c) => [{ type: 'Visited', data: { brand: c.brand } }],
  evolve: (s, e) => (e.type === 'Visited' ? { count: s.count + 1, brands: new Set([...s.brands, e.data.brand]) } : s),
};

describe('aggregateStream with snapshots', () => {
  let store: MemoryEventStore;
  let reads: ReadStreamOptions[];
  let spied: EventStore;
  let snapshots: MemorySnapshotStore;
  let policy: SnapshotPolicy<{ count: number; brands: Set<string> }>;

  beforeEach(async () => {
    store = new MemoryEventStore();
    reads = [];
    spied = Object.create(store);
    spied.readStream = (stream, options) => {
      reads.push(options ?? {});
      return store.readStream(stream, options);
    };
    snapshots = new MemorySnapshotStore();
    policy = {
      store: snapshots,
      schemaVersion: 'visits-1',
      every: 10,
      toJson: (s) => ({ count: s.count, brands: [...s.brands] }),
      fromJson: (j) => ({ count: (j as { count: number }).count, brands: new Set((j as { brands: string[] }).brands) }),
    };
    await store.appendToStream('visits-g1', Array.from({ length: 25 }, (_, i) => testEvent('Visited', { brand: `b${i % 3}` })));
  });

  it('saves a snapshot once enough events were folded, then folds only the events after it', async () => {
    const first = await aggregateStream(spied, 'visits-g1', visits, { snapshots: policy });
    expect(first.state.count).toBe(25);
    expect(await snapshots.load('visits-g1')).toMatchObject({ streamVersion: 24, state: { count: 25, brands: ['b0', 'b1', 'b2'] } });

    await store.appendToStream('visits-g1', [testEvent('Visited', { brand: 'b9' })]);
    const second = await aggregateStream(spied, 'visits-g1', visits, { snapshots: policy });
    expect(reads.at(-1)).toEqual({ fromVersion: 25 });
    expect(second).toEqual({ state: { count: 26, brands: new Set(['b0', 'b1', 'b2', 'b9']) }, streamVersion: 25 });
    // and it equals a full fold
    expect(await aggregateStream(store, 'visits-g1', visits)).toEqual(second);
  });

  it('ignores a snapshot of another state schema', async () => {
    await snapshots.save({ stream: 'visits-g1', streamVersion: 24, schemaVersion: 'visits-0', state: { count: 999, brands: [] }, takenAt: '' });
    const result = await aggregateStream(spied, 'visits-g1', visits, { snapshots: policy });
    expect(result.state.count).toBe(25);
    expect(reads.at(-1)).toEqual({ fromVersion: 0 });
  });

  it('still loads when saving the snapshot fails, and reports the failure', async () => {
    const errors: unknown[] = [];
    const failing = { ...policy, store: { ...snapshots, load: async () => undefined, save: async () => Promise.reject(new Error('disk full')), delete: async () => undefined }, onError: (e: unknown) => errors.push(e) };
    const result = await aggregateStream(store, 'visits-g1', visits, { snapshots: failing });
    expect(result.state.count).toBe(25);
    expect(errors).toHaveLength(1);
  });

  it('handleCommand gives the same result with and without snapshots', async () => {
    const metadata = { tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c' };
    await aggregateStream(store, 'visits-g1', visits, { snapshots: policy });
    const withSnap = await handleCommand(store, visits, 'visits-g1', { type: 'Visit', brand: 'bx' }, { metadata, snapshots: policy });
    const plain = await aggregateStream(store, 'visits-g1', visits);
    expect(withSnap.state).toEqual(plain.state);
    expect(withSnap.streamVersion).toBe(plain.streamVersion);
  });
});

import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { StoredEvent } from '@hearth/event-store';
import { MemoryEventStore, testMetadata, uniqueCategory } from '@hearth/event-store';
import { eventually } from '@hearth/testing';
import { createMemoryDocumentStore } from '../adapters/memory/memory-document-store';
import { guestSummaries, guestSummaryPrefetch, guestSummaryProjection } from '../bench/guest-summary.projection';
import type { DocumentSession, DocumentStore } from '../types';
import { contentHash } from './content-hash';
import { eventStoreSource } from './event-store-source';
import { createProjectionRunner } from './projection-runner';
import type { ProjectionRunner } from './projection-runner';
import type { PushSource, SourceEvent } from './source';
import { appendGuestHistory } from './test-support';

const TENANTS = ['tenant-a', 'tenant-b'];

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

describe('projection runner (memory stores)', () => {
  let events: MemoryEventStore;
  let store: DocumentStore;
  let category: string;
  const runners: ProjectionRunner[] = [];

  const runner = (overrides: Partial<Parameters<typeof createProjectionRunner<StoredEvent>>[0]> = {}) => {
    const r = createProjectionRunner<StoredEvent>({
      name: 'guest-summary',
      source: eventStoreSource(events, { categories: [category] }),
      project: guestSummaryProjection(),
      store,
      collections: [guestSummaries],
      retryDelay: { minMs: 5, maxMs: 20 },
      ...overrides,
    });
    runners.push(r);
    return r;
  };

  beforeEach(() => {
    events = new MemoryEventStore();
    store = createMemoryDocumentStore();
    category = uniqueCategory('guest');
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await events.close();
    await store.close();
  });

  it('catches up from zero, goes live, applies new events, and keeps the checkpoint with the documents', async () => {
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 20, events: 300 });
    const r = runner();
    await r.start();
    await r.waitForPosition(last);
    await eventually(() => expect(r.status().state).toBe('live'));
    expect(r.status()).toMatchObject({ position: last, eventsApplied: 300, lagSeconds: 0, lastError: undefined });
    expect((await store.checkpoints.load('guest-summary'))!.position).toBe(last);

    const appended = await events.appendToStream(`${category}-new`, [
      { type: 'GuestRegistered', data: { name: 'Nova', email: 'nova@example.com' }, metadata: testMetadata({ tenantId: 'tenant-a' }) },
      { type: 'StayCompleted', data: { amount: 120.5 }, metadata: testMetadata({ tenantId: 'tenant-a' }) },
    ]);
    await r.waitForPosition(appended.globalPosition);
    expect(await store.forTenant('tenant-a').get(guestSummaries, 'new')).toMatchObject({ name: 'Nova', stays: 1, spent: 120.5, version: appended.globalPosition });
    expect((await store.forTenant('tenant-a').find(guestSummaries, { email: 'nova@example.com' })).items).toHaveLength(1);
  });

  it('resumes from its checkpoint after a restart: every event is applied exactly once', async () => {
    const counted = new Map<number, number>();
    const counting = async (event: StoredEvent, session: DocumentSession) => {
      counted.set(event.globalPosition, (counted.get(event.globalPosition) ?? 0) + 1);
      await guestSummaryProjection()(event, session);
    };
    const first = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 10, events: 100, seed: 7 });
    const a = runner({ project: counting });
    await a.start();
    await a.waitForPosition(first);
    await a.stop();
    const second = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 10, events: 50, seed: 8 });
    const b = runner({ project: counting });
    await b.start();
    await b.waitForPosition(second);
    expect(counted.size).toBe(150);
    expect([...counted.values()].every((n) => n === 1)).toBe(true);
  });

  it('two instances of one projection share the work through the checkpoint: no event is applied twice', async () => {
    const counted = new Map<number, number>();
    const counting = async (event: StoredEvent, session: DocumentSession) => {
      await guestSummaryProjection()(event, session);
      counted.set(event.globalPosition, (counted.get(event.globalPosition) ?? 0) + 1);
    };
    const a = runner({ project: counting, maxBatchSize: 7 });
    const b = runner({ project: counting, maxBatchSize: 5 });
    await a.start();
    await b.start();
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 10, events: 200, seed: 3 });
    await eventually(async () => expect((await store.checkpoints.load('guest-summary'))?.position).toBe(last));
    // A batch that lost the checkpoint race was rolled back, so its events count once in the committed state.
    const rebuiltFromScratch = createMemoryDocumentStore();
    const reference = createProjectionRunner<StoredEvent>({ name: 'ref', source: eventStoreSource(events, { categories: [category] }), project: guestSummaryProjection(), store: rebuiltFromScratch });
    runners.push(reference);
    await reference.start();
    await reference.waitForPosition(last);
    expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await contentHash(rebuiltFromScratch, guestSummaries, TENANTS));
    await rebuiltFromScratch.close();
  });

  it('a failing event stops the projection at the event before it, reports it, and is retried until it passes', async () => {
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 5, events: 40, seed: 11 });
    const all = await events.readAll({ categories: [category] });
    const poison = all[25]!;
    let broken = true;
    const errors: unknown[] = [];
    const r = runner({
      project: async (event, session) => {
        if (broken && event.eventId === poison.eventId) throw Object.assign(new Error('cannot project this'), { code: 'TEST_FAILURE' });
        await guestSummaryProjection()(event, session);
      },
      onError: (error) => errors.push(error),
    });
    await r.start();
    await eventually(() => {
      expect(r.status()).toMatchObject({ state: 'retrying', position: all[24]!.globalPosition });
      expect(r.status().lastError).toMatchObject({ message: 'cannot project this', code: 'TEST_FAILURE', position: all[24]!.globalPosition });
    });
    expect((await store.checkpoints.load('guest-summary'))!.position).toBe(all[24]!.globalPosition);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    broken = false;
    await r.waitForPosition(last);
    await eventually(() => expect(r.status()).toMatchObject({ state: 'live', lastError: undefined }));
  });

  it('rebuilds from zero into fresh collections while reads stay on the old ones, then switches: identical content hash', async () => {
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 30, events: 400, seed: 5, eraseEvery: 37 });
    let switched = false;
    const gate: { closed?: Promise<void> } = {};
    let openGate!: () => void;
    const r = runner({
      maxBatchSize: 50,
      project: async (event, session) => {
        if (session.target === 'rebuild' && gate.closed) await gate.closed;
        // New code (shape 2) in the rebuild; the live runner keeps the old code until the switch.
        await guestSummaryProjection(session.target === 'rebuild' || switched ? 2 : 1)(event, session);
      },
    });
    await r.start();
    await r.waitForPosition(last);
    const before = await contentHash(store, guestSummaries, TENANTS);
    expect(before.documents).toBeGreaterThan(10);

    // The rebuild waits at the gate mid-way.
    gate.closed = new Promise((resolve) => (openGate = resolve));
    const rebuilding = r.rebuild();
    await eventually(() => expect(r.status().rebuild).toMatchObject({ state: 'catching-up' }));
    const docs = store.forTenant('tenant-a');
    const sample = (await docs.find(guestSummaries, undefined, { limit: 1 })).items[0]!;
    expect(sample.shape).toBe(1); // reads still served by the live collection
    // The live projection keeps applying new events meanwhile (with the current code).
    const during = await events.appendToStream(`${category}-late`, [
      { type: 'GuestRegistered', data: { name: 'Late', email: 'late@example.com' }, metadata: testMetadata({ tenantId: 'tenant-a' }) },
    ]);
    await r.waitForPosition(during.globalPosition);
    expect(await docs.get(guestSummaries, 'late')).toMatchObject({ name: 'Late', shape: 1 });
    openGate();
    const result = await rebuilding;
    switched = true;
    expect(result).toMatchObject({ position: during.globalPosition, events: 401 });

    // After the switch every document comes from the rebuild…
    const rebuilt = await contentHash(store, guestSummaries, TENANTS);
    expect((await docs.find(guestSummaries, undefined, { limit: 1000 })).items.every((d) => d.shape === 2)).toBe(true);
    expect(await docs.get(guestSummaries, 'late')).toMatchObject({ name: 'Late', shape: 2 });
    // …and it is exactly what a live run of the same code builds.
    const reference = createMemoryDocumentStore();
    const live = createProjectionRunner<StoredEvent>({ name: 'reference', source: eventStoreSource(events, { categories: [category] }), project: guestSummaryProjection(2), store: reference });
    runners.push(live);
    await live.start();
    await live.waitForPosition(during.globalPosition);
    expect(rebuilt).toEqual(await contentHash(reference, guestSummaries, TENANTS));
    expect(rebuilt.documents).toBe(before.documents + 1);
    await reference.close();

    // The live runner continues on the new collections from the rebuild's checkpoint.
    expect((await store.checkpoints.load('guest-summary'))!.position).toBe(during.globalPosition);
    expect(await store.checkpoints.load('guest-summary#rebuild')).toBeUndefined();
    const after = await events.appendToStream(`${category}-late`, [{ type: 'StayCompleted', data: { amount: 10 }, metadata: testMetadata({ tenantId: 'tenant-a' }) }]);
    await r.waitForPosition(after.globalPosition);
    expect(await docs.get(guestSummaries, 'late')).toMatchObject({ stays: 1, shape: 2 });
  });

  it('refuses to rebuild without collections, and discards the copy when a rebuild fails', async () => {
    await expect(runner({ name: 'no-collections', collections: [] }).rebuild()).rejects.toMatchObject({ code: 'READ_MODEL_STATE' });
    await appendGuestHistory(events, { category, tenants: TENANTS, guests: 3, events: 10 });
    const r = runner({
      project: async (event, session) => {
        if (session.target === 'rebuild') throw new Error('rebuild failed');
        await guestSummaryProjection()(event, session);
      },
    });
    await expect(r.rebuild()).rejects.toThrow('rebuild failed');
    expect(r.status().rebuild).toBeUndefined();
    await expect(store.transaction(async (s) => s.forTenant('tenant-a').count(guestSummaries), { target: 'rebuild' })).rejects.toMatchObject({ code: 'READ_MODEL_STATE' });
  });

  it('prefetch loads a batch’s documents up front and gives the same result', async () => {
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 25, events: 250, seed: 9 });
    const plain = createMemoryDocumentStore();
    const a = runner({ store: plain, prefetch: undefined, name: 'plain' });
    const b = runner({ prefetch: guestSummaryPrefetch, name: 'prefetched' });
    await a.start();
    await b.start();
    await a.waitForPosition(last);
    await b.waitForPosition(last);
    expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await contentHash(plain, guestSummaries, TENANTS));
    await plain.close();
  });

  it('projectBatch receives whole batches in order (one event at a time while isolating a failure) and gives the same result', async () => {
    const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 25, events: 250, seed: 11 });
    const perEvent = createMemoryDocumentStore();
    const a = runner({ store: perEvent, name: 'per-event' });
    const sizes: number[] = [];
    const seen: number[] = [];
    let failOnce = true;
    const b = runner({
      name: 'batched',
      maxBatchSize: 100,
      project: undefined,
      projectBatch: async (batch, session) => {
        sizes.push(batch.length);
        for (const event of batch) {
          if (failOnce && seen.length === 130) {
            failOnce = false;
            throw new Error('transient');
          }
          seen.push(event.globalPosition);
          await guestSummaryProjection()(event, session);
        }
      },
    });
    await a.start();
    await b.start();
    await a.waitForPosition(last);
    await b.waitForPosition(last);
    expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await contentHash(perEvent, guestSummaries, TENANTS));
    expect(sizes.slice(0, 2)).toEqual([100, 100]);
    expect(sizes).toContain(1); // the failed batch was retried event by event
    expect(new Set(seen).size).toBe(250);
    expect(() => runner({ name: 'neither', project: undefined })).toThrow('give either project or projectBatch');
    expect(() => runner({ name: 'both', projectBatch: async () => {} })).toThrow('give either project or projectBatch');
    await perEvent.close();
  });

  it('reports lag, backlog and applied events as OpenTelemetry metrics', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    try {
      const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 5, events: 30 });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const r = runner({
        maxBatchSize: 1,
        project: async (event, session) => {
          if (event.globalPosition === last) await held;
          await guestSummaryProjection()(event, session);
        },
      });
      await r.start();
      const read = async () => {
        const { resourceMetrics } = await reader.collect();
        const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
        const value = (name: string) => all.find((m) => m.descriptor.name === name)?.dataPoints.find((p) => p.attributes['hearth.projection'] === 'guest-summary')?.value;
        return { lag: value('hearth.projection.lag'), backlog: value('hearth.projection.backlog'), applied: value('hearth.projection.events') };
      };
      // Held on the last event: behind by one event, and by the age of that event.
      await eventually(async () => {
        const m = await read();
        expect(m.backlog).toBe(1);
        expect(m.lag).toBeGreaterThan(0);
        expect(r.status().lagSeconds).toBeGreaterThan(0);
      });
      release();
      await r.waitForPosition(last);
      await eventually(async () => expect(await read()).toEqual({ lag: 0, backlog: 0, applied: 30 }));
      expect(r.status()).toMatchObject({ backlog: 0, lagSeconds: 0 });
    } finally {
      metrics.disable();
      await provider.shutdown();
    }
  });

  it('applies a push source’s deliveries one transaction each and rejects failed ones (for redelivery)', async () => {
    let deliver!: (event: SourceEvent<StoredEvent>) => Promise<void>;
    let stopped = false;
    const push: PushSource<StoredEvent> = {
      kind: 'push',
      description: 'test push source',
      async start(fn) {
        deliver = fn;
        return { stop: async () => void (stopped = true) };
      },
    };
    const r = runner({ source: push });
    await r.start();
    await appendGuestHistory(events, { category, tenants: ['tenant-a'], guests: 1, events: 2 });
    const [registered, stay] = await events.readAll({ categories: [category] });
    await deliver({ event: registered!, position: 1, recordedAt: registered!.recordedAt });
    await deliver({ event: registered!, position: 1, recordedAt: registered!.recordedAt }); // a redelivery: absorbed
    expect(await store.forTenant('tenant-a').get(guestSummaries, 'g0')).toMatchObject({ name: 'Guest 0', stays: 0 });
    await expect(deliver({ event: { ...stay!, metadata: { ...stay!.metadata, tenantId: '' } }, position: 2 })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    expect(r.status().lastError).toMatchObject({ code: 'INVALID_QUERY', position: 2 });
    await deliver({ event: stay!, position: 2, recordedAt: stay!.recordedAt });
    expect(r.status()).toMatchObject({ position: 2, eventsApplied: 3, state: 'live', lastError: undefined }); // deliveries, the redelivery included
    expect(await store.checkpoints.load('guest-summary')).toBeUndefined(); // the source keeps progress
    await r.stop();
    expect(stopped).toBe(true);
  });
});

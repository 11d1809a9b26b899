/**
 * The projection runner on real stores: a PostgreSQL event store as the source, read models in
 * PostgreSQL (always) and in MongoDB (when MONGODB_URI is set; CI uses FerretDB, see
 * deploy/scripts/mongo-test-server.sh). Every test uses its own schemas / database.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { StoredEvent } from '@hearth/event-store';
import { PostgresEventStore, testMetadata, uniqueCategory } from '@hearth/event-store';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { createMemoryDocumentStore } from '../adapters/memory/memory-document-store';
import { MongoDocumentStore } from '../adapters/mongodb/mongodb-document-store';
import { PostgresDocumentStore } from '../adapters/postgres/postgres-document-store';
import { guestSummaries, guestSummaryPrefetch, guestSummaryProjection } from '../bench/guest-summary.projection';
import type { GuestSummary } from '../bench/guest-summary.projection';
import type { DocumentSession, DocumentStore } from '../types';
import { contentHash } from './content-hash';
import { eventStoreSource } from './event-store-source';
import { createProjectionRunner } from './projection-runner';
import type { ProjectionRunner, ProjectionRunnerOptions } from './projection-runner';
import { appendGuestHistory } from './test-support';

jest.setTimeout(60_000);
const TENANTS = ['tenant-a', 'tenant-b'];

type Backend = {
  /** A store on fresh data (`shared` opens another store on the same data, like a second process). */
  open(): Promise<{ store: DocumentStore; another: () => Promise<DocumentStore>; cleanup: () => Promise<void> }>;
  /** Several runner instances of one projection may run at once (needs atomic conditional writes; FerretDB v1 has none). */
  concurrentInstances: boolean;
};

const postgres: Backend = {
  concurrentInstances: true,
  async open() {
    const schema = uniqueName('rm_run');
    const store = await PostgresDocumentStore.connect({ connectionString: testDatabaseUrl(), schema });
    return {
      store,
      another: () => PostgresDocumentStore.connect({ connectionString: testDatabaseUrl(), schema }),
      cleanup: async () => {
        const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
        await dropSchema(pool, schema);
        await pool.end();
      },
    };
  },
};

const mongoUri = process.env.MONGODB_URI;
const mongo: Backend = {
  concurrentInstances: false,
  async open() {
    const database = `rm_run_${randomBytes(6).toString('hex')}`;
    const store = await MongoDocumentStore.connect({ uri: mongoUri!, database });
    return {
      store,
      another: () => MongoDocumentStore.connect({ uri: mongoUri!, database, generationCacheMs: 0 }),
      cleanup: async () => {
        const client = new MongoClient(mongoUri!);
        await client.connect();
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  },
};

function describeRunner(label: string, backend: Backend): void {
  describe(`projection runner on ${label}`, () => {
    let events: PostgresEventStore;
    let eventSchema: string;
    let store: DocumentStore;
    let another: () => Promise<DocumentStore>;
    let cleanup: () => Promise<void>;
    let category: string;
    const closers: (() => Promise<void>)[] = [];

    const runner = (overrides: Partial<ProjectionRunnerOptions<StoredEvent>> = {}): ProjectionRunner => {
      const r = createProjectionRunner<StoredEvent>({
        name: 'guest-summary',
        source: eventStoreSource(events, { categories: [category] }),
        project: guestSummaryProjection(),
        store,
        collections: [guestSummaries],
        prefetch: guestSummaryPrefetch,
        retryDelay: { minMs: 10, maxMs: 50 },
        ...overrides,
      });
      closers.push(() => r.stop());
      return r;
    };

    /** What a fresh run of the same projection builds, in memory. */
    const reference = async (shape = 1): Promise<{ hash: string; documents: number }> => {
      const memory = createMemoryDocumentStore();
      const r = createProjectionRunner<StoredEvent>({ name: 'reference', source: eventStoreSource(events, { categories: [category] }), project: guestSummaryProjection(shape), store: memory });
      await r.start();
      const [last] = await events.readAll({ categories: [category], fromPosition: 0, limit: 10_000 }).then((all) => all.slice(-1));
      await r.waitForPosition(last!.globalPosition);
      await r.stop();
      const result = await contentHash(memory, guestSummaries, TENANTS);
      await memory.close();
      return result;
    };

    beforeEach(async () => {
      eventSchema = uniqueName('rm_events');
      events = await PostgresEventStore.connect({ connectionString: testDatabaseUrl(), schema: eventSchema, idleRecheckMs: 200 });
      ({ store, another, cleanup } = await backend.open());
      category = uniqueCategory('guest');
    });
    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      await store.close();
      await cleanup();
      await events.close();
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
      await dropSchema(pool, eventSchema);
      await pool.end();
    });

    it('builds the read model from the event store, live, with the checkpoint next to the documents', async () => {
      const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 40, events: 600, eraseEvery: 53 });
      const r = runner();
      await r.start();
      await r.waitForPosition(last);
      expect((await store.checkpoints.load('guest-summary'))!.position).toBe(last);
      expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await reference());
      const appended = await events.appendToStream(`${category}-g1`, [{ type: 'StayCompleted', data: { amount: 99.5 }, metadata: testMetadata({ tenantId: 'tenant-b' }) }]);
      await r.waitForPosition(appended.globalPosition);
      expect(await store.forTenant('tenant-b').get(guestSummaries, 'g1')).toMatchObject({ version: appended.globalPosition, lastEventType: 'StayCompleted' });
      await eventually(() => expect(r.status()).toMatchObject({ state: 'live', lagSeconds: 0 }));
    });

    it('a batch that fails after writing part of its documents is retried event by event; the result is exact', async () => {
      const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 8, events: 80, seed: 21 });
      const all = await events.readAll({ categories: [category] });
      const poison = all[50]!;
      let transactional = true;
      let seenWhileFailing: { doc: GuestSummary | undefined } | undefined;
      const r = runner({
        project: async (event: StoredEvent, session: DocumentSession) => {
          transactional = session.transactional;
          await guestSummaryProjection()(event, session);
          await session.flush(); // the documents of this batch reach the database before the failure
          // Fails until the test has looked at the database during the failure.
          if (event.eventId === poison.eventId && !seenWhileFailing) throw new Error('transient failure');
        },
        onError: () => {
          void store.forTenant(poison.metadata.tenantId).get(guestSummaries, poison.streamName.split('-')[1]!).then((doc) => {
            seenWhileFailing ??= { doc };
          });
        },
      });
      await r.start();
      await r.waitForPosition(last);
      await eventually(() => expect(seenWhileFailing).toBeDefined());
      if (transactional) {
        // Rolled back with its transaction: the poison event's write is not visible after the failure.
        const doc = seenWhileFailing!.doc;
        expect(doc === undefined || doc.version < poison.globalPosition).toBe(true);
      }
      expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await reference());
    });

    it('rebuilds from zero while other processes keep reading the old collection, then switches for all of them', async () => {
      const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 50, events: 700, seed: 4, eraseEvery: 41 });
      // The new projection code (shape 2) runs in the rebuild; the live runner keeps the old code until the switch.
      let switched = false;
      let openGate!: () => void;
      const gate: { closed?: Promise<void> } = {};
      const r = runner({
        maxBatchSize: 100,
        project: async (event, session) => {
          if (session.target === 'rebuild' && gate.closed) await gate.closed;
          await guestSummaryProjection(session.target === 'rebuild' || switched ? 2 : 1)(event, session);
        },
      });
      await r.start();
      await r.waitForPosition(last);
      const liveBuilt = await contentHash(store, guestSummaries, TENANTS);
      const reader = await another(); // another process's view of the same read models
      closers.push(() => reader.close());
      const shapes = async () => new Set((await reader.forTenant('tenant-a').find(guestSummaries, undefined, { limit: 1000 })).items.map((d) => d.shape));

      gate.closed = new Promise((resolve) => (openGate = resolve));
      const rebuilding = r.rebuild();
      let late: Awaited<ReturnType<typeof events.appendToStream>>;
      try {
        await eventually(() => expect(r.status().rebuild?.state).toBe('catching-up'));
        expect(await shapes()).toEqual(new Set([1]));
        late = await events.appendToStream(`${category}-late`, [
          { type: 'GuestRegistered', data: { name: 'Late', email: 'late@example.com' }, metadata: testMetadata({ tenantId: 'tenant-a' }) },
        ]);
        await r.waitForPosition(late.globalPosition);
        expect(await reader.forTenant('tenant-a').get(guestSummaries, 'late')).toMatchObject({ name: 'Late', shape: 1 });
      } finally {
        openGate();
      }
      const result = await rebuilding;
      switched = true;
      expect(result.position).toBe(late.globalPosition);
      expect(result.events).toBe(701);

      await eventually(async () => expect(await shapes()).toEqual(new Set([2])));
      const rebuilt = await contentHash(reader, guestSummaries, TENANTS);
      expect(rebuilt).toEqual(await reference(2));
      expect(rebuilt.documents).toBe(liveBuilt.documents + 1);
      // Same code, same events: a rebuild from zero is identical to the live-built read model.
      const again = await r.rebuild();
      expect(again.position).toBe(late.globalPosition);
      expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(rebuilt);
      // Declared indexes exist on the switched collection.
      expect((await reader.forTenant('tenant-a').find(guestSummaries, { email: 'late@example.com' })).items.map((d) => d.id)).toEqual(['late']);
    });

    (backend.concurrentInstances ? it : it.skip)('two instances (two pools) of one projection never apply an event twice', async () => {
      const second = await another();
      closers.push(() => second.close());
      const a = runner({ maxBatchSize: 40 });
      const b = runner({ store: second, maxBatchSize: 25 });
      await a.start();
      await b.start();
      const last = await appendGuestHistory(events, { category, tenants: TENANTS, guests: 30, events: 500, seed: 17 });
      await eventually(async () => expect((await store.checkpoints.load('guest-summary'))?.position).toBe(last), { timeoutMs: 30_000 });
      expect(await contentHash(store, guestSummaries, TENANTS)).toEqual(await reference());
    });
  });
}

describeRunner('PostgreSQL', postgres);
if (mongoUri) {
  describeRunner(`MongoDB (${mongoUri})`, mongo);
} else {
  const skipped = 'projection runner on MongoDB SKIPPED: set MONGODB_URI (e.g. from deploy/scripts/mongo-test-server.sh) to run it';
  console.warn(skipped);
  describe('projection runner on MongoDB', () => {
    it.skip(skipped, () => undefined);
  });
}

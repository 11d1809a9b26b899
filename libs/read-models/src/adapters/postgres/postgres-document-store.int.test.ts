import pg from 'pg';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { defineCollection } from '../../collection';
import { describeDocumentStoreConformance } from '../../conformance/document-store.conformance';
import { PostgresDocumentStore } from './postgres-document-store';

describeDocumentStoreConformance('PostgreSQL', async () => {
  const schema = uniqueName('rm_test');
  const store = await PostgresDocumentStore.connect({ connectionString: testDatabaseUrl(), schema });
  return {
    store,
    cleanup: async () => {
      const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
});

describe('PostgreSQL statistics after bulk writes', () => {
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  const schema = uniqueName('rm_stats');
  const entries = defineCollection<{ id: string; tenantId: string; version: number; guestId: string; occurredAt: string; scopeKey: string }>({
    name: 'entries',
    fields: { guestId: 'string', occurredAt: 'string', scopeKey: 'string' },
    indexes: [{ fields: ['guestId', 'occurredAt'] }, { fields: ['guestId', 'scopeKey'] }],
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('analyzes a freshly filled table, so a heavy key pages through its ordered index at once', async () => {
    const store = await PostgresDocumentStore.connect({ pool, schema, autoAnalyze: { minRows: 500, minIntervalMs: 0, delayMs: 0 } });
    await store.ensureCollections([entries]);
    const docs = Array.from({ length: 3_000 }, (_, i) => ({
      id: `e${i}`,
      tenantId: 't1',
      version: 1,
      guestId: i < 2_000 ? 'heavy' : `light-${i % 100}`,
      occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      scopeKey: 'shared:hotels',
    }));
    // a write-behind session writes in bulk, as projections do
    await store.transaction(
      async (session) => {
        for (const doc of docs) await session.forTenant('t1').upsert(entries, doc);
      },
      { writeBehind: true },
    );
    const reltuples = async () => Number((await pool.query(`SELECT reltuples FROM pg_class WHERE oid = to_regclass('"${schema}".entries')`)).rows[0].reltuples);
    await eventually(async () => expect(await reltuples()).toBeGreaterThan(2_000));
    const plan = await pool.query(
      `EXPLAIN SELECT doc FROM "${schema}".entries WHERE tenant_id = 't1' AND ((doc->>'guestId') COLLATE "C") = 'heavy' ORDER BY ((doc->>'occurredAt') COLLATE "C") DESC NULLS LAST, id DESC LIMIT 21`,
    );
    const text = plan.rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan Backward/);
    expect(text).not.toMatch(/Sort/);
    await store.close();
    // 3,000 writes and waiting up to 10 s for autovacuum's statistics: more than Jest's default 5 s on a busy machine
  }, 30_000);
});

describe('PostgreSQL change feed and cached readers', () => {
  const schema = uniqueName('rm_feed');
  type View = { id: string; tenantId: string; version: number; json: string };
  const views = defineCollection<View>({ name: 'views' });
  let writerPool: pg.Pool;
  let readerPool: pg.Pool;
  let writer: PostgresDocumentStore;
  let reader: PostgresDocumentStore;
  beforeAll(async () => {
    // two processes: their own pools and stores on one schema
    writerPool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    readerPool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    writer = await PostgresDocumentStore.connect({ pool: writerPool, schema, changeFeed: { collections: [views] } });
    reader = await PostgresDocumentStore.connect({ pool: readerPool, schema, changeFeed: { collections: [views] } });
    await writer.ensureCollections([views]);
  });
  afterAll(async () => {
    await writer.close();
    await reader.close();
    await dropSchema(writerPool, schema);
    await Promise.all([writerPool.end(), readerPool.end()]);
  });

  it('serves repeated reads from memory and drops a document the moment another process commits a change to it', async () => {
    const cache = reader.cachedReader(views, { map: (doc) => JSON.parse(doc.json) as { n: number } });
    expect(await reader.changeFeedReady()).toBe(true);
    await writer.forTenant('t1').upsert(views, { id: 'g1', tenantId: 't1', version: 1, json: '{"n":1}' });
    // (the announcement of that write may still be on its way and drop the first cached copy)
    await eventually(async () => {
      expect(await cache.get('t1', 'g1')).toEqual({ n: 1 });
      expect(cache.stats().hits).toBeGreaterThan(0);
    });

    // a projection's transaction (write-behind session): announced with its commit
    await writer.transaction(async (session) => void (await session.forTenant('t1').upsert(views, { id: 'g1', tenantId: 't1', version: 2, json: '{"n":2}' })), { writeBehind: true });
    await eventually(async () => expect(await cache.get('t1', 'g1')).toEqual({ n: 2 }), { timeoutMs: 10_000, intervalMs: 5 });

    // a rolled-back transaction announces nothing: the cached value stays valid and is served from memory
    const hitsBefore = cache.stats().hits;
    await expect(
      writer.transaction(async (session) => {
        await session.forTenant('t1').upsert(views, { id: 'g1', tenantId: 't1', version: 3, json: '{"n":3}' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await cache.get('t1', 'g1')).toEqual({ n: 2 });
    expect(cache.stats().hits).toBe(hitsBefore + 1);
    // other tenants' documents are other entries
    expect(await cache.get('t2', 'g1')).toBeUndefined();
    cache.close();
  });

  it('write-through: serves what this process committed without a read, until another process commits a newer version', async () => {
    const parse = (doc: View) => JSON.parse(doc.json) as { n: number };
    const own = writer.cachedReader(views, { map: parse, writeThrough: true });
    const theirs = reader.cachedReader(views, { map: parse });
    expect(await writer.changeFeedReady()).toBe(true);
    expect(await reader.changeFeedReady()).toBe(true);
    const project = (version: number, n: number) =>
      writer.transaction(async (session) => void (await session.forTenant('t1').upsert(views, { id: 'w1', tenantId: 't1', version, json: JSON.stringify({ n }) })), { writeBehind: true });

    await project(10, 1);
    expect(await own.get('t1', 'w1')).toEqual({ n: 1 });
    expect(own.stats()).toMatchObject({ hits: 1, misses: 0, writtenThrough: 1 });
    // its own announcement arrives and is no reason to drop it; the other process reads the new version
    await eventually(async () => expect(await theirs.get('t1', 'w1')).toEqual({ n: 1 }));
    expect(await own.get('t1', 'w1')).toEqual({ n: 1 });
    expect(own.stats().misses).toBe(0);

    // a write the version guard refuses (older than the stored one) is neither written nor cached
    await project(9, 99);
    expect(await own.get('t1', 'w1')).toEqual({ n: 1 });
    expect(own.stats()).toMatchObject({ misses: 0, writtenThrough: 1 });

    // another process commits a newer version: announced with it, so this process drops its copy and reads
    await reader.forTenant('t1').upsert(views, { id: 'w1', tenantId: 't1', version: 11, json: '{"n":2}' });
    await eventually(async () => expect(await own.get('t1', 'w1')).toEqual({ n: 2 }), { timeoutMs: 10_000, intervalMs: 5 });
    expect(own.stats().misses).toBeGreaterThan(0);

    // a write of this process is served at once, while the other process drops its copy when the announcement comes
    await project(12, 3);
    const misses = own.stats().misses;
    expect(await own.get('t1', 'w1')).toEqual({ n: 3 });
    expect(own.stats()).toMatchObject({ misses, writtenThrough: 2 });
    await eventually(async () => expect(await theirs.get('t1', 'w1')).toEqual({ n: 3 }), { timeoutMs: 10_000, intervalMs: 5 });
    own.close();
    theirs.close();
  });

  it('refuses write-through of a collection whose changes the store does not announce', async () => {
    const other = defineCollection<View>({ name: 'not_announced' });
    expect(() => writer.cachedReader(other, { map: (doc) => doc, writeThrough: true })).toThrow(/changeFeed/);
  });
});

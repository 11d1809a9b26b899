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
  });
});

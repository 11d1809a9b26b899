/** PostgreSQL specifics beyond the conformance suite: expression indexes that queries really use, migrations. */
import pg from 'pg';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { defineCollection } from '../../collection';
import { compileFind } from '../../internal/query';
import type { BaseDocument, Filter, FindOptions } from '../../types';
import { PostgresDocumentStore } from './postgres-document-store';
import { findSql } from './postgres-sql';

type Visit = BaseDocument & { email: string; stays: number; vip: boolean; address?: { city: string }; brand: string; memberNo: string };
const visits = defineCollection<Visit>({
  name: 'visits',
  fields: { email: 'string', stays: 'number', vip: 'boolean', 'address.city': 'string', brand: 'string', memberNo: 'string' },
  indexes: [{ fields: ['email'] }, { fields: ['stays'] }, { fields: ['vip', 'stays'] }, { fields: ['address.city'] }, { fields: ['brand', 'memberNo'], unique: true }],
});

describe('PostgreSQL document store: indexes and migrations', () => {
  let schema: string;
  let pool: pg.Pool;
  let store: PostgresDocumentStore;

  beforeEach(async () => {
    schema = uniqueName('rm_pg');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    store = await PostgresDocumentStore.connect({ pool, schema });
    await store.ensureCollections([visits]);
  });
  afterEach(async () => {
    await store.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  const plan = async (filter: Filter | undefined, options: FindOptions = {}): Promise<string> => {
    const { text, values } = findSql(schema, visits, 'live', compileFind(visits, 't1', filter, options));
    const client = await pool.connect();
    try {
      // Planner statistics of an empty table would pick a sequential scan; forbid it so only an index that
      // does not match the query's expressions can lead to one.
      await client.query('BEGIN; SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${text}`, values });
      await client.query('ROLLBACK');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release();
    }
  };

  it('creates one expression index per declared index (nulls first, C collation), plus the key', async () => {
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname', [
      schema,
      'visits',
    ]);
    expect(rows).toHaveLength(6);
    const defs = rows.map((r) => r.indexdef).join('\n');
    expect(defs).toContain(`(tenant_id, ((doc ->> 'email'::text)) COLLATE "C" NULLS FIRST, id)`);
    expect(defs).toContain(`(tenant_id, (((doc ->> 'stays'::text))::numeric) NULLS FIRST, id)`);
    expect(defs).toContain(`(tenant_id, (((doc -> 'address'::text) ->> 'city'::text)) COLLATE "C" NULLS FIRST, id)`);
    expect(defs).toContain(`UNIQUE INDEX visits__ux_`);
    expect(rows.filter((r) => r.indexdef.startsWith('CREATE UNIQUE'))).toHaveLength(2); // key + (brand, memberNo)
  });

  it.each<[string, Filter | undefined, FindOptions]>([
    ['equality', { email: 'a@x.io' }, {}],
    ['prefix', { email: { $prefix: 'a@' } }, { sort: { field: 'email' } }],
    ['$in', { email: { $in: ['a', 'b'] } }, {}],
    ['range on a number', { stays: { $gt: 3 } }, { sort: { field: 'stays' } }],
    ['a nested field', { 'address.city': 'Lisboa' }, {}],
    ['a compound index', { vip: true, stays: { $gte: 2 } }, {}],
  ])('%s uses a declared index', async (_label, filter, options) => {
    const text = await plan(filter, options);
    expect(text).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('keyset pages in both directions come straight from the index, without a sort', async () => {
    await store.forTenant('t1').upsert(visits, { id: 'v1', tenantId: 't1', version: 1, email: 'a', stays: 1, vip: false, brand: 'b', memberNo: 'm1' });
    const first = await store.forTenant('t1').find(visits, undefined, { sort: { field: 'stays', direction: 'desc' }, limit: 1 });
    expect(first.items).toHaveLength(1);
    for (const direction of ['asc', 'desc'] as const) {
      const text = await plan({ stays: { $lte: 10 } }, { sort: { field: 'stays', direction }, limit: 10 });
      expect(text).toMatch(/Index Scan/);
      expect(text).not.toMatch(/\bSort\b/);
    }
  });

  it('names the unique index a violation hit', async () => {
    const docs = store.forTenant('t1');
    await docs.upsert(visits, { id: 'v1', tenantId: 't1', version: 1, email: 'a', stays: 1, vip: false, brand: 'b', memberNo: 'm1' });
    await expect(docs.upsert(visits, { id: 'v2', tenantId: 't1', version: 1, email: 'a', stays: 1, vip: false, brand: 'b', memberNo: 'm1' })).rejects.toMatchObject({
      code: 'UNIQUE_VIOLATION',
      fields: ['brand', 'memberNo'],
    });
  });

  it('statements prepared on pooled connections before a switch read the new table after it', async () => {
    const docs = store.forTenant('t1');
    const doc = (version: number, email: string): Visit => ({ id: 'v1', tenantId: 't1', version, email, stays: 1, vip: false, brand: 'b', memberNo: 'm1' });
    await docs.upsert(visits, doc(1, 'old@x'));
    // Every pooled connection prepares the get statement on the old table.
    await Promise.all(Array.from({ length: 8 }, () => docs.get(visits, 'v1')));
    await store.prepareRebuild([visits]);
    await store.transaction(async (s) => void (await s.forTenant('t1').upsert(visits, doc(1, 'new@x'))), { target: 'rebuild' });
    await store.switchToRebuilt([visits], async () => undefined);
    const after = await Promise.all(Array.from({ length: 8 }, () => docs.get(visits, 'v1')));
    expect(after.map((d) => d!.email)).toEqual(Array(8).fill('new@x'));
    expect(await docs.upsert(visits, doc(2, 'newer@x'))).toEqual({ applied: true });
    expect((await docs.get(visits, 'v1'))!.email).toBe('newer@x');
  });

  it('migrations are idempotent and safe to race; a rebuild switch leaves exactly the declared indexes under the live names', async () => {
    const others = await Promise.all([1, 2, 3].map(() => PostgresDocumentStore.connect({ connectionString: testDatabaseUrl(), schema })));
    await Promise.all(others.map((s) => s.ensureCollections([visits])));
    await store.prepareRebuild([visits]);
    await store.switchToRebuilt([visits], async () => undefined);
    await Promise.all(others.map((s) => s.ensureCollections([visits])));
    for (const s of others) await s.close();
    const { rows } = await pool.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname', [schema]);
    const names = rows.map((r) => r.indexname);
    expect(names.filter((n) => n.startsWith('visits'))).toHaveLength(6);
    expect(names.every((n) => !n.includes('rebuild'))).toBe(true);
    const tables = await pool.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['read_model_checkpoints', 'visits']);
  });
});

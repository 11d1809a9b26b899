import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describeIdempotencyStoreConformance } from './idempotency-store.conformance';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const uniqueSchema = () => `http_idem_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

describe('PostgresIdempotencyStore', () => {
  let admin: pg.Pool;
  beforeAll(() => {
    admin = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  });
  afterAll(async () => {
    await admin.end();
  });
  const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);

  describeIdempotencyStoreConformance('postgres', async (options) => {
    const schema = uniqueSchema();
    const store = await PostgresIdempotencyStore.connect({ connectionString: DATABASE_URL, schema, ...options });
    return { store, cleanup: async () => void (await dropSchema(schema)) };
  });

  it('migrates concurrently and idempotently, sharing a pool it does not close', async () => {
    const schema = uniqueSchema();
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresIdempotencyStore.connect({ pool, schema })));
      const scope = { tenantId: 't1', route: 'POST /v1/tickets', key: 'k1' };
      const begun = await stores[0]!.begin(scope, 'fp');
      expect(begun.outcome).toBe('started');
      expect((await stores[3]!.begin(scope, 'fp')).outcome).toBe('in-flight');
      for (const store of stores) await store.close();
      // The pool still works: closing a store that did not open the pool leaves it alone.
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".http_idempotency_keys`);
      expect(rows[0].n).toBe(1);
    } finally {
      await pool.end();
      await dropSchema(schema);
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresIdempotencyStore.connect({ connectionString: DATABASE_URL, schema: 'bad"; DROP' })).rejects.toThrow(/schema name/);
  });
});

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { migrateWithLock, withTransaction } from './transactions';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('PostgreSQL helpers', () => {
  let pool: pg.Pool;
  let schema: string;
  beforeEach(() => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
    schema = `hearth_pg_helpers_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  });
  afterEach(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const ddl = () => [`CREATE SCHEMA IF NOT EXISTS "${schema}"`, `CREATE TABLE IF NOT EXISTS "${schema}".things (id text PRIMARY KEY)`];

  it('lets many instances migrate at once without colliding', async () => {
    await Promise.all(Array.from({ length: 8 }, () => migrateWithLock(pool, `test:${schema}`, ddl())));
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]);
    expect(rows[0].n).toBe(1);
  });

  it('leaves nothing half-created when a statement fails', async () => {
    await expect(migrateWithLock(pool, `test:${schema}`, [...ddl(), 'CREATE TABLE broken (']).catch((e: Error) => Promise.reject(e.message))).rejects.toMatch(/syntax/);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    expect(rows[0].n).toBe(0);
  });

  it('commits on success, rolls back on error, and returns the connection either way', async () => {
    await migrateWithLock(pool, `test:${schema}`, ddl());
    await withTransaction(pool, (c) => c.query(`INSERT INTO "${schema}".things VALUES ('kept')`));
    await expect(
      withTransaction(pool, async (c) => {
        await c.query(`INSERT INTO "${schema}".things VALUES ('lost')`);
        throw new Error('business rule');
      }),
    ).rejects.toThrow('business rule');
    const { rows } = await pool.query(`SELECT id FROM "${schema}".things ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual(['kept']);
    expect(pool.totalCount).toBeLessThanOrEqual(8);
    expect(pool.waitingCount).toBe(0);
  });
});

import pg from 'pg';
import { dropSchema, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { ReadModelStateError } from '../../errors';
import { PostgresDocumentStore } from './postgres-document-store';

/** `sqlClientOf(session)`: a projection's own SQL in the same transaction as the runner's checkpoint. */
describe('PostgresDocumentStore.sqlClientOf', () => {
  const schema = uniqueName('rm_sql');
  let pool: pg.Pool;
  let store: PostgresDocumentStore;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    store = await PostgresDocumentStore.connect({ pool, schema });
    await pool.query(`CREATE TABLE "${schema}".own_rows (id text PRIMARY KEY)`);
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  const rows = async () => (await pool.query<{ id: string }>(`SELECT id FROM "${schema}".own_rows ORDER BY id`)).rows.map((r) => r.id);

  it('commits SQL and the checkpoint together', async () => {
    await store.transaction(async (session) => {
      await store.sqlClientOf(session).query(`INSERT INTO "${schema}".own_rows (id) VALUES ('a')`);
      // not visible outside the transaction before it commits
      expect(await rows()).toEqual([]);
      await store.checkpoints.save('own', 7, { expected: undefined, session });
    });
    expect(await rows()).toEqual(['a']);
    expect((await store.checkpoints.load('own'))?.position).toBe(7);
  });

  it('rolls both back when the session fails', async () => {
    await expect(
      store.transaction(async (session) => {
        await store.sqlClientOf(session).query(`INSERT INTO "${schema}".own_rows (id) VALUES ('b')`);
        await store.checkpoints.save('own', 9, { expected: 7, session });
        throw new Error('projection failed');
      }, { writeBehind: true }),
    ).rejects.toThrow('projection failed');
    expect(await rows()).toEqual(['a']);
    expect((await store.checkpoints.load('own'))?.position).toBe(7);
  });

  it('refuses a session of another store', async () => {
    const other = await PostgresDocumentStore.connect({ pool, schema });
    await other.transaction(async (session) => {
      expect(() => store.sqlClientOf(session)).toThrow(ReadModelStateError);
      expect(other.sqlClientOf(session)).toBeDefined();
    });
  });
});

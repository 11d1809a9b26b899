import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createServicePool } from './pool';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('createServicePool against PostgreSQL', () => {
  it('opens its minimum of connections at once, before any query asks for them', async () => {
    const name = `pool-${randomUUID().slice(0, 8)}`;
    const pool = createServicePool({ connectionString: `${DATABASE_URL}?application_name=${name}`, max: 6, min: 4 });
    const observer = new pg.Client({ connectionString: DATABASE_URL });
    await observer.connect();
    try {
      const backends = async () => Number((await observer.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0]!.n);
      // The backends appear when the connections are made; each is returned to the pool idle once it
      // has answered its first query, a moment later.
      const settled = async () => (await backends()) >= 4 && pool.idleCount >= 4;
      for (let waited = 0; !(await settled()) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await backends()).toBe(4);
      expect(pool.totalCount).toBe(4);
      expect(pool.idleCount).toBe(4); // returned to the pool, ready for the first requests
    } finally {
      await observer.end();
      await pool.end();
    }
  });
});

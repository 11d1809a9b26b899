import type pg from 'pg';

/**
 * Runs `fn` in one transaction on a pooled connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). A connection whose ROLLBACK fails is discarded, not returned to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs idempotent DDL (`CREATE … IF NOT EXISTS`) in one transaction under an advisory lock named
 * `lockKey`. Several instances starting at once would otherwise collide in the catalog (a unique
 * violation on pg_type even with IF NOT EXISTS); with the lock they run one after the other, and a
 * failing statement leaves nothing half-created.
 */
export async function migrateWithLock(pool: pg.Pool, lockKey: string, statements: readonly string[]): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    for (const sql of statements) await client.query(sql);
  });
}

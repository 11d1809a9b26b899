import type pg from 'pg';

/** The PostgreSQL used by integration tests: `DATABASE_URL`, else the machine's local `test` database. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Drops a test's private schema (and everything in it). */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '')}" CASCADE`);
}

import type pg from 'pg';

/** The PostgreSQL used by integration tests: `DATABASE_URL`, else the machine's local `test` database. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** Drops a test's private schema (and everything in it). */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '')}" CASCADE`);
}

/**
 * The tables of `schema` whose rows contain `needle` in their text form (`table: rows`), case-insensitive:
 * how erasure tests prove a personal value is gone from everything a service stores.
 */
export async function schemaTextSearch(pool: pg.Pool, schema: string, needle: string): Promise<string[]> {
  const { rows: tables } = await pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema]);
  const hits: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table_name}" t WHERE t::text ILIKE $1`, [`%${needle}%`]);
    if (rows[0]!.n > 0) hits.push(`${table_name}: ${rows[0]!.n}`);
  }
  return hits;
}

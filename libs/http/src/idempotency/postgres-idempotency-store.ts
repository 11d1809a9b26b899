import { migrateWithLock } from '@hearth/postgres';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_IDEMPOTENCY_TTL_MS, DEFAULT_IN_FLIGHT_TIMEOUT_MS } from './idempotency-store';
import type { IdempotencyBegin, IdempotencyScope, IdempotencyStore, IdempotencyStoreOptions, StoredResponse } from './idempotency-store';

export type PostgresIdempotencyStoreOptions = IdempotencyStoreOptions & {
  /** The service's pool (shared with its event store or read models), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** The owning service's PostgreSQL schema; the table is `<schema>.http_idempotency_keys`. */
  schema: string;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const TABLE = 'http_idempotency_keys';

type RecordRow = { fingerprint: string; status: number | null; headers: Record<string, string> | null; body: string | null };

/**
 * Idempotency records in PostgreSQL, shared by every instance of a service. The claim is one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE <expired or abandoned>`, so two instances racing on one key
 * cannot both start it. Times come from the application clock (`now`) so expiry is testable.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly table: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    schema: string,
    private readonly ttlMs: number,
    private readonly inFlightTimeoutMs: number,
    private readonly now: () => number,
  ) {
    this.table = `"${schema}".${TABLE}`;
  }

  /** Opens the store and creates its schema and table when missing (idempotent, safe under concurrency). */
  static async connect(options: PostgresIdempotencyStoreOptions): Promise<PostgresIdempotencyStore> {
    if (!SCHEMA_NAME.test(options.schema)) throw new RangeError(`'${options.schema}' is not a lower-case PostgreSQL schema name`);
    if (!options.pool && !options.connectionString) throw new RangeError('PostgresIdempotencyStore needs a pool or a connectionString');
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 10 });
    const store = new PostgresIdempotencyStore(
      pool,
      !options.pool,
      options.schema,
      options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
      options.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS,
      options.now ?? Date.now,
    );
    try {
      await store.migrate(options.schema);
    } catch (error) {
      if (!options.pool) await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(schema: string): Promise<void> {
    // Concurrent CREATE … IF NOT EXISTS can still collide in the catalog; serialise the migration per schema.
    await migrateWithLock(this.pool, `hearth_http_idempotency:${schema}`, [
      `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        tenant_id text NOT NULL,
        route text NOT NULL,
        idempotency_key text NOT NULL,
        fingerprint text NOT NULL,
        lease uuid NOT NULL,
        status smallint,
        headers jsonb,
        body text,
        locked_until timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, route, idempotency_key)
      )`,
      `CREATE INDEX IF NOT EXISTS ${TABLE}_expires_at ON ${this.table} (expires_at)`,
    ]);
  }


  async begin(scope: IdempotencyScope, fingerprint: string): Promise<IdempotencyBegin> {
    // A record can vanish between the claim and the read (released or purged); then claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.now();
      const lease = randomUUID();
      const claimed = await this.pool.query(
        `INSERT INTO ${this.table} AS t (tenant_id, route, idempotency_key, fingerprint, lease, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, route, idempotency_key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, lease = EXCLUDED.lease, status = NULL, headers = NULL, body = NULL,
               locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at
           WHERE t.expires_at <= $8
              OR (t.status IS NULL AND t.locked_until <= $8 AND t.fingerprint = EXCLUDED.fingerprint)
         RETURNING lease`,
        [scope.tenantId, scope.route, scope.key, fingerprint, lease, new Date(now + this.inFlightTimeoutMs), new Date(now + this.ttlMs), new Date(now)],
      );
      if (claimed.rowCount === 1) return { outcome: 'started', lease };
      const existing = await this.pool.query<RecordRow>(
        `SELECT fingerprint, status, headers, body FROM ${this.table} WHERE tenant_id = $1 AND route = $2 AND idempotency_key = $3`,
        [scope.tenantId, scope.route, scope.key],
      );
      const row = existing.rows[0];
      if (!row) continue;
      if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
      if (row.status === null) return { outcome: 'in-flight' };
      return { outcome: 'replay', response: { status: row.status, headers: row.headers ?? {}, ...(row.body === null ? {} : { body: row.body }) } };
    }
    throw new Error(`Idempotency key '${scope.key}' kept changing while being claimed`);
  }

  async complete(scope: IdempotencyScope, lease: string, response: StoredResponse): Promise<void> {
    await this.pool.query(
      `UPDATE ${this.table} SET status = $5, headers = $6, body = $7, expires_at = $8
       WHERE tenant_id = $1 AND route = $2 AND idempotency_key = $3 AND lease = $4`,
      [scope.tenantId, scope.route, scope.key, lease, response.status, JSON.stringify(response.headers), response.body ?? null, new Date(this.now() + this.ttlMs)],
    );
  }

  async release(scope: IdempotencyScope, lease: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE tenant_id = $1 AND route = $2 AND idempotency_key = $3 AND lease = $4`, [
      scope.tenantId,
      scope.route,
      scope.key,
      lease,
    ]);
  }

  async purgeExpired(): Promise<number> {
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE expires_at <= $1`, [new Date(this.now())]);
    return result.rowCount ?? 0;
  }

  async forgetResponsesMentioning(tenantId: string, text: string): Promise<number> {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const result = await this.pool.query(
      `DELETE FROM ${this.table} WHERE tenant_id = $1 AND (body LIKE $2 OR headers::text LIKE $2)`,
      [tenantId, pattern],
    );
    return result.rowCount ?? 0;
  }

  /** Ends the pool when the store opened it; a shared pool belongs to the service. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

import { migrateWithLock } from '@hearth/postgres';
import pg from 'pg';
import { InvalidMessagingOptionError } from '../errors';
import { assertPosition, type CheckpointStore } from './checkpoint-store';

export type PostgresCheckpointStoreOptions = {
  /** The service's pool (shared with its event store), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** The service's PostgreSQL schema, e.g. `customer_profile` (created if missing). */
  schema: string;
  /** Table name (default `forwarder_checkpoints`). */
  table?: string;
};

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checkpoints in a table of the service's schema, one row per forwarder name, upserted. Lives next to
 * the event store, so the service needs no other database.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private readonly table: string;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    readonly schema: string,
    tableName: string,
  ) {
    this.table = `"${schema}"."${tableName}"`;
  }

  /** Opens the store and creates its schema and table when missing (idempotent, safe concurrently). */
  static async connect(options: PostgresCheckpointStoreOptions): Promise<PostgresCheckpointStore> {
    const table = options.table ?? 'forwarder_checkpoints';
    if (!IDENTIFIER.test(options.schema)) throw new InvalidMessagingOptionError('schema', `'${options.schema}' is not a lower-case PostgreSQL identifier`);
    if (!IDENTIFIER.test(table)) throw new InvalidMessagingOptionError('table', `'${table}' is not a lower-case PostgreSQL identifier`);
    if (!options.pool && !options.connectionString) throw new InvalidMessagingOptionError('connection', 'give a pool or a connectionString');
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 2 });
    const store = new PostgresCheckpointStore(pool, !options.pool, options.schema, table);
    try {
      await store.migrate();
    } catch (error) {
      if (!options.pool) await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    // concurrent starts of several instances must not race on CREATE
    await migrateWithLock(this.pool, `hearth-checkpoints:${this.table}`, [
      `CREATE SCHEMA IF NOT EXISTS "${this.schema}"`,
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        name text PRIMARY KEY,
        position bigint NOT NULL CHECK (position >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ]);
  }


  async load(name: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0] ? Number(rows[0].position) : undefined;
  }

  async save(name: string, position: number): Promise<void> {
    assertPosition(position);
    await this.pool.query(
      `INSERT INTO ${this.table} AS c (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()
       WHERE c.position < excluded.position`,
      [name, position],
    );
  }

  async reset(name: string, position: number): Promise<void> {
    assertPosition(position);
    await this.pool.query(
      `INSERT INTO ${this.table} (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [name, position],
    );
  }

  /** Ends the pool when the store opened it. */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}

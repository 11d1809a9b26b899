import type pg from 'pg';
import type { Snapshot, SnapshotStore } from '../../snapshots';

/** Snapshots in the event store's schema (table `snapshots`, created by its migrations). */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly table: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.table = `"${schema}".snapshots`;
  }

  async load(stream: string): Promise<Snapshot | undefined> {
    const { rows } = await this.pool.query<{ stream_version: string; schema_version: string; state: unknown; taken_at: Date }>(
      `SELECT stream_version, schema_version, state, taken_at FROM ${this.table} WHERE stream_name = $1`,
      [stream],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      stream,
      streamVersion: Number(row.stream_version),
      schemaVersion: row.schema_version,
      state: row.state,
      takenAt: row.taken_at.toISOString(),
    };
  }

  async save(snapshot: Snapshot): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} AS s (stream_name, stream_version, schema_version, state, taken_at)
       VALUES ($1, $2, $3, $4::json, $5)
       ON CONFLICT (stream_name) DO UPDATE
         SET stream_version = excluded.stream_version, schema_version = excluded.schema_version,
             state = excluded.state, taken_at = excluded.taken_at
       WHERE s.stream_version < excluded.stream_version OR s.schema_version <> excluded.schema_version`,
      [snapshot.stream, snapshot.streamVersion, snapshot.schemaVersion, JSON.stringify(snapshot.state), snapshot.takenAt],
    );
  }

  async delete(stream: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE stream_name = $1`, [stream]);
  }
}

import { createHash } from 'node:crypto';
import { InvalidTimerOptionError } from '../../errors';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// leaves room for the index and sequence suffixes within PostgreSQL's 63-byte identifiers
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Quoted names of one timer table and its companions. */
export type TimerTableNames = {
  schema: string;
  table: string;
  /** `"schema"."table"` */
  qualified: string;
  /** `"schema"."table_generation"`: one number per arming, never reused (see `generation`). */
  sequence: string;
  /** The LISTEN/NOTIFY channel of this table (an identifier of at most 63 bytes). */
  channel: string;
};

export function timerTableNames(schema: string, table: string): TimerTableNames {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) throw new InvalidTimerOptionError('schema', `'${schema}' is not a lower-case PostgreSQL identifier`);
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) throw new InvalidTimerOptionError('table', `'${table}' is not a lower-case PostgreSQL identifier of at most 48 characters`);
  const readable = `hearth_timers_${schema}_${table}`;
  const channel = readable.length <= 63 ? readable : `hearth_timers_${createHash('sha256').update(`${schema}.${table}`).digest('hex').slice(0, 40)}`;
  return { schema, table, qualified: `"${schema}"."${table}"`, sequence: `"${schema}"."${table}_generation"`, channel };
}

/**
 * The timer table. One row per armed `(tenant_id, key)`:
 * - `generation` changes on every `schedule` (from a sequence, so it is never reused even after the row
 *   was deleted and created again): completing or failing a firing only touches the row when its
 *   generation is unchanged, so a re-arming during an in-flight firing is never lost.
 * - `run_at` is when the row may next be claimed: `due_at`, then the lease end while a worker holds it
 *   (`locked_until`, `locked_by`), then the retry time after a failure. One partial index on it serves
 *   claiming (`FOR UPDATE SKIP LOCKED`) and the next-wake query.
 * - `attempts` counts claims of the current arming and fences late results of an attempt whose lease
 *   expired and was claimed again.
 */
export function timerTableDdl(names: TimerTableNames): string[] {
  const { schema, table, qualified, sequence } = names;
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE SEQUENCE IF NOT EXISTS ${sequence}`,
    `CREATE TABLE IF NOT EXISTS ${qualified} (
      tenant_id text NOT NULL,
      key text NOT NULL,
      due_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      generation bigint NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      run_at timestamptz NOT NULL,
      locked_until timestamptz,
      locked_by text,
      last_error text,
      failed_at timestamptz,
      scheduled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, key)
    )`,
    `CREATE INDEX IF NOT EXISTS "${table}_claimable" ON ${qualified} (run_at, due_at) WHERE status = 'pending'`,
  ];
}

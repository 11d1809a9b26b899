import { migrateWithLock } from '@hearth/postgres';
import pg from 'pg';
import { InvalidTimerOptionError } from '../../errors';
import type {
  ClaimedTimer,
  ClaimOptions,
  ListTimersQuery,
  ReleaseOptions,
  ReleaseOutcome,
  TimerCounts,
  TimerRecord,
  TimerSpec,
  TimerStatus,
  TimerStore,
  WriteOptions,
} from '../../types';
import {
  normalizeTimer,
  truncateError,
  validateClaimOptions,
  validateListQuery,
  validateReleaseOptions,
  validateTenantAndKey,
} from '../../validation';
import { timerTableDdl, timerTableNames, type TimerTableNames } from './postgres-timer-schema';

export type PostgresTimerStoreOptions = {
  /** The service's pool (the caller ends it). LISTEN uses one extra connection of its own, opened with the pool's settings. */
  pool: pg.Pool;
  /** The service's schema, e.g. `service_tickets` (created if missing). */
  schema: string;
  /** Table name (default `timers`); one table per kind of timer if a service wants them apart. */
  table?: string;
  /** Background problems of the LISTEN connection (it reconnects by itself; polling covers the gap). */
  onError?: (error: unknown) => void;
};

type RecordRow = {
  tenant_id: string;
  key: string;
  due_ms: string;
  payload: unknown;
  status: TimerStatus;
  attempts: number;
  last_error: string | null;
  failed_ms: string | null;
};

type ClaimRow = { tenant_id: string; key: string; due_ms: string; payload: unknown; generation: string; attempts: number; fired_ms: string; run_ms: string };

const RECORD_COLUMNS = `tenant_id, key, (extract(epoch FROM due_at) * 1000)::bigint AS due_ms, payload, status, attempts, last_error,
  (extract(epoch FROM failed_at) * 1000)::bigint AS failed_ms`;

const iso = (ms: string | number) => new Date(Number(ms)).toISOString();

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;

/**
 * Durable timers in a table of the service's schema. Claims use `FOR UPDATE SKIP LOCKED` plus a
 * lease, so any number of workers in any number of processes share the table without running one
 * arming twice at the same time. `schedule` notifies (`pg_notify`, delivered on commit) so idle workers
 * wake at once instead of at their next poll.
 */
export class PostgresTimerStore implements TimerStore {
  private readonly listeners = new Set<(dueInMs: number) => void>();
  private listenClient: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    readonly names: TimerTableNames,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Opens the store and creates its schema, table and index when missing (idempotent, safe when several instances start at once). */
  static async connect(options: PostgresTimerStoreOptions): Promise<PostgresTimerStore> {
    // duck-typed: a pool from another copy of pg would fail instanceof
    if (typeof options.pool?.query !== 'function' || typeof options.pool.connect !== 'function') throw new InvalidTimerOptionError('pool', 'must be a pg.Pool');
    const names = timerTableNames(options.schema, options.table ?? 'timers');
    await migrateWithLock(options.pool, `hearth-timers:${names.qualified}`, timerTableDdl(names));
    return new PostgresTimerStore(options.pool, names, options.onError ?? (() => undefined));
  }

  async schedule(timer: TimerSpec, options: WriteOptions = {}): Promise<void> {
    const t = normalizeTimer(timer);
    const { qualified, sequence } = this.names;
    const dueAt = new Date(t.dueAtMs).toISOString();
    // The notification is sent when the surrounding transaction commits (never for a rollback), with
    // the due time so that each worker can set its own wake-up without a query.
    await (options.client ?? this.pool).query(
      `WITH armed AS (
         INSERT INTO ${qualified} AS t (tenant_id, key, due_at, payload, generation, run_at)
         VALUES ($1, $2, $3::timestamptz, $4::jsonb, nextval('${sequence}'), $3::timestamptz)
         ON CONFLICT (tenant_id, key) DO UPDATE SET
           due_at = excluded.due_at, payload = excluded.payload, generation = excluded.generation, status = 'pending',
           attempts = 0, run_at = excluded.run_at, locked_until = NULL, locked_by = NULL, last_error = NULL,
           failed_at = NULL, scheduled_at = now()
         RETURNING 1
       )
       SELECT pg_notify($5, $6) FROM armed`,
      [t.tenantId, t.key, dueAt, t.payloadJson, this.names.channel, String(t.dueAtMs)],
    );
  }

  async cancel(tenantId: string, key: string, options: WriteOptions = {}): Promise<boolean> {
    validateTenantAndKey(tenantId, key);
    const result = await (options.client ?? this.pool).query(`DELETE FROM ${this.names.qualified} WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
    return (result.rowCount ?? 0) > 0;
  }

  async get(tenantId: string, key: string): Promise<TimerRecord | undefined> {
    validateTenantAndKey(tenantId, key);
    const { rows } = await this.pool.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM ${this.names.qualified} WHERE tenant_id = $1 AND key = $2`, [tenantId, key]);
    return rows[0] && toRecord(rows[0]);
  }

  async list(query?: ListTimersQuery): Promise<TimerRecord[]> {
    const q = validateListQuery(query);
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM ${this.names.qualified}
       WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::timestamptz IS NULL OR due_at < $3)
       ORDER BY due_at, tenant_id COLLATE "C", key COLLATE "C"
       LIMIT $4`,
      [q.tenantId ?? null, q.status ?? null, q.dueBeforeMs === undefined ? null : new Date(q.dueBeforeMs).toISOString(), q.limit],
    );
    return rows.map(toRecord);
  }

  async counts(): Promise<TimerCounts> {
    const { rows } = await this.pool.query<TimerCounts>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM ${this.names.qualified}`,
    );
    return { pending: rows[0]?.pending ?? 0, failed: rows[0]?.failed ?? 0 };
  }

  async claim(options: ClaimOptions): Promise<ClaimedTimer[]> {
    const { limit, leaseMs, workerId } = validateClaimOptions(options);
    const { qualified } = this.names;
    // SKIP LOCKED: concurrent claimers take disjoint rows instead of queueing behind each other; the
    // lease (run_at moved to the lease end) keeps the row unclaimable after this statement commits.
    const { rows } = await this.pool.query<ClaimRow>(
      `WITH due AS (
         SELECT tenant_id, key, run_at FROM ${qualified}
         WHERE status = 'pending' AND run_at <= now()
         ORDER BY run_at, due_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE ${qualified} AS t
       SET attempts = t.attempts + 1, run_at = now() + $2::int * interval '1 millisecond',
           locked_until = now() + $2::int * interval '1 millisecond', locked_by = $3
       FROM due
       WHERE t.tenant_id = due.tenant_id AND t.key = due.key
       RETURNING t.tenant_id, t.key, (extract(epoch FROM t.due_at) * 1000)::bigint AS due_ms, t.payload, t.generation, t.attempts,
         floor(extract(epoch FROM now()) * 1000)::bigint AS fired_ms, (extract(epoch FROM due.run_at) * 1000)::bigint AS run_ms`,
      [limit, leaseMs, workerId],
    );
    // RETURNING does not keep the CTE's order
    rows.sort((a, b) => Number(a.run_ms) - Number(b.run_ms) || Number(a.due_ms) - Number(b.due_ms));
    return rows.map((row) => ({
      generation: row.generation,
      timer: { tenantId: row.tenant_id, key: row.key, dueAt: iso(row.due_ms), payload: row.payload, attempt: row.attempts, firedAt: iso(row.fired_ms) },
    }));
  }

  async complete(claimed: ClaimedTimer): Promise<boolean> {
    const result = await this.pool.query(`DELETE FROM ${this.names.qualified} WHERE tenant_id = $1 AND key = $2 AND generation = $3`, [
      claimed.timer.tenantId,
      claimed.timer.key,
      claimed.generation,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async release(claimed: ClaimedTimer, options: ReleaseOptions): Promise<ReleaseOutcome> {
    const { error, retryInMs } = validateReleaseOptions(options);
    // Fenced by generation (not re-armed) and attempts (not claimed again after this attempt's lease ran out).
    const { rows } = await this.pool.query<{ status: TimerStatus }>(
      `UPDATE ${this.names.qualified}
       SET status = CASE WHEN $5::float8 IS NULL THEN 'failed' ELSE 'pending' END,
           run_at = CASE WHEN $5::float8 IS NULL THEN run_at ELSE now() + $5::float8 * interval '1 millisecond' END,
           failed_at = CASE WHEN $5::float8 IS NULL THEN now() END,
           locked_until = NULL, locked_by = NULL, last_error = $6
       WHERE tenant_id = $1 AND key = $2 AND generation = $3 AND attempts = $4 AND status = 'pending'
       RETURNING status`,
      [claimed.timer.tenantId, claimed.timer.key, claimed.generation, claimed.timer.attempt, retryInMs ?? null, truncateError(error)],
    );
    if (!rows[0]) return 'stale';
    return rows[0].status === 'failed' ? 'failed' : 'retrying';
  }

  async nextDueIn(): Promise<number | undefined> {
    // measured on the database clock, the one claims compare against
    const { rows } = await this.pool.query<{ due_in: number | null }>(
      `SELECT (extract(epoch FROM (min(run_at) - clock_timestamp())) * 1000)::float8 AS due_in FROM ${this.names.qualified} WHERE status = 'pending'`,
    );
    const dueIn = rows[0]?.due_in;
    return dueIn === null || dueIn === undefined ? undefined : dueIn;
  }

  async onScheduled(listener: (dueInMs: number) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new InvalidTimerOptionError('store', 'is closed');
    const wrapper = (dueInMs: number) => listener(dueInMs);
    this.listeners.add(wrapper);
    try {
      await this.ensureListening();
    } catch (error) {
      this.listeners.delete(wrapper);
      throw error;
    }
    return async () => {
      this.listeners.delete(wrapper);
      if (this.listeners.size === 0) await this.stopListening();
    };
  }

  /** Closes the LISTEN connection; the pool stays open (it belongs to the caller). */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.stopListening();
  }

  private ensureListening(): Promise<void> {
    if (this.listenClient) return Promise.resolve();
    this.listening ??= this.listen().finally(() => (this.listening = undefined));
    return this.listening;
  }

  private async listen(): Promise<void> {
    // A connection of its own: LISTEN needs one that stays checked out, which would starve a small pool.
    const client = new pg.Client(this.pool.options);
    client.on('notification', (message) => {
      if (message.channel !== this.names.channel) return;
      const dueAtMs = Number(message.payload);
      // The due time travels, not a delay: the delay would be wrong by however long the commit took.
      const dueInMs = Number.isFinite(dueAtMs) ? dueAtMs - Date.now() : 0;
      for (const listener of this.listeners) listener(dueInMs);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, undefined));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.names.channel}"`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed || this.listeners.size === 0) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      return;
    }
    this.listenClient = client;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.listenClient !== client) return;
    this.listenClient = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (error !== undefined) this.onError(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.listeners.size === 0 || this.reconnectTimer) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(RECONNECT_MAX_MS, this.reconnectDelayMs * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.ensureListening().then(
        // notifications sent while the connection was down are lost: have every subscriber look again
        () => {
          for (const listener of this.listeners) listener(0);
        },
        (reconnectError: unknown) => {
          this.onError(reconnectError);
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private async stopListening(): Promise<void> {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.listening?.catch(() => undefined);
    const client = this.listenClient;
    this.listenClient = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}

function toRecord(row: RecordRow): TimerRecord {
  const record: TimerRecord = {
    tenantId: row.tenant_id,
    key: row.key,
    dueAt: iso(row.due_ms),
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
  };
  if (row.last_error !== null) record.lastError = row.last_error;
  if (row.failed_ms !== null) record.failedAt = iso(row.failed_ms);
  return record;
}

import { migrateWithLock } from '@hearth/postgres';
import pg from 'pg';
import { DuplicateEventIdError, InvalidArgumentError, StreamNotFoundError, WrongExpectedVersionError } from '../../errors';
import { ChangeSignal, subscribe } from '../../subscription';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../../types';
import {
  MAX_EVENTS_PER_APPEND,
  parseStreamName,
  prepareEvents,
  validateExpectedVersion,
  validateReadAllOptions,
  validateReadStreamOptions,
} from '../../validation';
import type { PreparedEvent } from '../../validation';
import { appendSql, migrationSql, POSITION_SHIFT } from './postgres-schema';
import { PostgresSnapshotStore } from './postgres-snapshot-store';

export type PostgresEventStoreOptions = {
  /** A pool to share with the service (e.g. for its read models), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** The owning service's PostgreSQL schema, e.g. `customer_profile`. */
  schema: string;
  /** How often a live subscription re-reads when no notification arrived (default 5 s). */
  idleRecheckMs?: number;
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SAFE_BOUND = `(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${POSITION_SHIFT})`;

/**
 * Whether committed events exist at or past the safe bound (null: no events at all). Asked after every
 * read that reached the end, so it must cost one index probe: the last position (a backward step on the
 * primary key) against the bound. `EXISTS (… WHERE global_position >= bound)` looks the same but the
 * planner, not knowing the bound, scans the whole table for a first match — none, when nothing is pending.
 */
export const pendingTailSql = (schema: string) =>
  `SELECT (SELECT max(global_position) FROM "${schema}".events) >= ${SAFE_BOUND} AS pending`;
// Rows are read in array mode in this column order (cheaper to decode than one object per row);
// recorded_at arrives already formatted as ISO 8601 UTC, so no Date is built per event.
const COLUMNS = `global_position, stream_version, event_id, type, data, metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, stream_name`;

type PendingAppend = {
  stream: string;
  category: string;
  expectedVersion: ExpectedVersion;
  events: PreparedEvent[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
};

/**
 * Groups in flight at once. One is fastest on the 2-core reference machine (measured 1: ~6k, 2: ~3-5k,
 * 4: ~2.4k appends/s with 32 writers): while a group commits, the next one fills up, so commits stay
 * few and large; more concurrent groups only add commits and CPU contention.
 */
const MAX_GROUPS_IN_FLIGHT = 1;
/** Appends per group. */
const MAX_GROUP_APPENDS = 64;

type AppendRow = {
  ri: string;
  current_version: string | null;
  duplicates: number;
  duplicate_position: string | null;
  conflict_event_id: string | null;
  conflict_stream: string | null;
  inserted: number;
  last_position: string | null;
  last_version: string | null;
};

/** global_position, stream_version, event_id, type, data, metadata, recorded_at, stream_name (see COLUMNS). */
type EventRow = [string, string, string, string, unknown, EventMetadata, string, string];

/**
 * The default EventStore: PostgreSQL through `pg`. Create it with `PostgresEventStore.connect()`,
 * which runs the idempotent migrations. Live subscriptions are woken by LISTEN/NOTIFY (and at once
 * for appends made by this process), never by busy polling.
 */
export class PostgresEventStore implements EventStore {
  private readonly changes = new ChangeSignal();
  private listener: pg.Client | undefined;
  private listening: Promise<void> | undefined;
  private notifyInFlight = false;
  private notifyAgain = false;
  private closed = false;
  private readonly channel: string;
  private readonly q: (name: string) => string;
  private readonly appendStatement: string;
  private readonly appendSql: string;
  private pending: PendingAppend[] = [];
  private readonly inFlightStreams = new Set<string>();
  private inFlightGroups = 0;

  private constructor(
    readonly pool: pg.Pool,
    private readonly writer: pg.Pool,
    readonly schema: string,
    private readonly ownsPool: boolean,
    private readonly idleRecheckMs: number,
    private readonly connectionConfig: pg.ClientConfig,
  ) {
    this.channel = `hearth_events_${schema}`.slice(0, 63);
    this.q = (name) => `"${schema}".${name}`;
    this.appendStatement = `hearth_append_${schema}`;
    this.appendSql = appendSql(schema);
  }

  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    if (!SCHEMA_NAME.test(options.schema)) {
      throw new InvalidArgumentError('schema', `'${options.schema}' is not a lower-case PostgreSQL identifier`);
    }
    if (!options.pool && !options.connectionString) {
      throw new InvalidArgumentError('connection', 'give a pool or a connectionString');
    }
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 20 });
    const connectionConfig: pg.ClientConfig = options.connectionString
      ? { connectionString: options.connectionString }
      : (pool as unknown as { options: pg.ClientConfig }).options;
    // Appends go through a small pool of their own: group commit needs only MAX_GROUPS_IN_FLIGHT
    // connections, and there the append statement always runs its cached generic plan (re-planning
    // it for every call costs more than running it).
    const writer = new pg.Pool({ ...connectionConfig, max: MAX_GROUPS_IN_FLIGHT, options: '-c plan_cache_mode=force_generic_plan' });
    const store = new PostgresEventStore(pool, writer, options.schema, !options.pool, options.idleRecheckMs ?? 5_000, connectionConfig);
    await store.migrate();
    return store;
  }

  /** Snapshots kept in this store's schema. */
  snapshotStore(): PostgresSnapshotStore {
    return new PostgresSnapshotStore(this.pool, this.schema);
  }

  /** Creates or upgrades the schema. Safe to run concurrently from several instances. */
  async migrate(): Promise<void> {
    await migrateWithLock(this.pool, `hearth-event-store:${this.schema}`, migrationSql(this.schema));
  }


  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { category } = parseStreamName(stream);
    const expectedVersion = validateExpectedVersion(options.expectedVersion);
    const prepared = prepareEvents(events);
    if (this.closed) throw new InvalidArgumentError('store', 'the event store is closed');
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ stream, category, expectedVersion, events: prepared, resolve, reject });
      this.dispatch();
    });
  }

  /** Waits for queued and in-flight appends (close() must not cut them off). */
  private async drainAppends(): Promise<void> {
    while (this.pending.length > 0 || this.inFlightGroups > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /**
   * Group commit: appends waiting while others are in flight go out together, one statement and one
   * commit for the group, so concurrent writers share the cost of a commit. A group never holds two
   * appends for one stream, and an append waits while its stream is in flight, so every expectation is
   * checked against the stream's real last version.
   */
  private dispatch(): void {
    while (this.inFlightGroups < MAX_GROUPS_IN_FLIGHT && this.pending.length > 0) {
      const group: PendingAppend[] = [];
      const streams = new Set<string>();
      let eventCount = 0;
      this.pending = this.pending.filter((append) => {
        const fits = group.length < MAX_GROUP_APPENDS && (group.length === 0 || eventCount + append.events.length <= MAX_EVENTS_PER_APPEND);
        if (!fits || streams.has(append.stream) || this.inFlightStreams.has(append.stream)) return true;
        group.push(append);
        streams.add(append.stream);
        eventCount += append.events.length;
        return false;
      });
      if (group.length === 0) return;
      this.inFlightGroups++;
      for (const stream of streams) this.inFlightStreams.add(stream);
      void this.runGroup(group).finally(() => {
        this.inFlightGroups--;
        for (const stream of streams) this.inFlightStreams.delete(stream);
        this.dispatch();
      });
    }
  }

  private async runGroup(group: PendingAppend[], attempt = 0): Promise<void> {
    let rows: AppendRow[];
    try {
      rows = (
        await this.writer.query<AppendRow>({
          name: this.appendStatement,
          text: this.appendSql,
          values: [
            group.map((a) => a.stream),
            group.map((a) => a.category),
            group.map((a) => (typeof a.expectedVersion === 'number' ? 'exact' : a.expectedVersion)),
            group.map((a) => (typeof a.expectedVersion === 'number' ? a.expectedVersion : null)),
            group.flatMap((a, i) => a.events.map(() => i + 1)),
            group.flatMap((a) => a.events.map((e) => e.eventId)),
            group.flatMap((a) => a.events.map((e) => e.type)),
            group.flatMap((a) => a.events.map((e) => e.dataJson)),
            group.flatMap((a) => a.events.map((e) => e.metadataJson)),
          ],
        })
      ).rows;
    } catch (error) {
      if (isUniqueViolation(error) && group.length > 1) {
        // Another process won a race on one of these streams (or two appends of the group shared an
        // event id): nothing of the group was written. Each append runs again on its own.
        await Promise.all(group.map((append) => this.runGroup([append])));
        return;
      }
      if (isUniqueViolation(error) && attempt < 5) {
        // Running it again sees the winner: a duplicate, the actual version, or for 'any' an append after it.
        return this.runGroup(group, attempt + 1);
      }
      for (const append of group) append.reject(error);
      return;
    }
    let appended = false;
    group.forEach((append, i) => {
      const row = rows[i]!;
      if (row.conflict_event_id !== null) {
        append.reject(new DuplicateEventIdError(row.conflict_event_id, row.conflict_stream!));
      } else if (row.duplicates === append.events.length) {
        append.resolve({ streamVersion: Number(row.current_version), globalPosition: Number(row.duplicate_position), duplicate: true });
      } else if (row.inserted === 0) {
        const actual = row.current_version === null ? undefined : Number(row.current_version);
        append.reject(new WrongExpectedVersionError(append.stream, append.expectedVersion, actual));
      } else {
        appended = true;
        append.resolve({ streamVersion: Number(row.last_version), globalPosition: Number(row.last_position), duplicate: false });
      }
    });
    if (appended) this.announceAppend();
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    parseStreamName(stream);
    const { direction, fromVersion, limit } = validateReadStreamOptions(options);
    const forward = direction === 'forward';
    const params: unknown[] = [stream];
    let where = 'stream_name = $1';
    if (fromVersion !== undefined) {
      params.push(fromVersion);
      where += ` AND stream_version ${forward ? '>=' : '<='} $${params.length}`;
    }
    let sql = `SELECT ${COLUMNS} FROM ${this.q('events')} WHERE ${where} ORDER BY stream_version ${forward ? 'ASC' : 'DESC'}`;
    if (limit !== undefined) {
      params.push(limit);
      sql += ` LIMIT $${params.length}`;
    }
    // a named statement per query shape: PostgreSQL parses and plans each shape once per connection
    const name = `hearth_read_${this.schema}_${forward ? 'f' : 'b'}${fromVersion !== undefined ? 'v' : ''}${limit !== undefined ? 'l' : ''}`;
    const { rows } = await this.pool.query<EventRow>({ name, text: sql, values: params, rowMode: 'array' });
    if (rows.length === 0 && (await this.streamVersion(stream)) === undefined) throw new StreamNotFoundError(stream);
    return rows.map(toStoredEvent);
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    const { fromPosition, limit, categories } = validateReadAllOptions(options);
    return this.readSafe(fromPosition, limit, categories);
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<StoredEvent> {
    const ready = this.ensureListening();
    const source = {
      read: async (from: number, limit: number, categories: readonly string[] | undefined) => {
        await ready;
        return this.readSafe(from, limit, categories);
      },
      hasPendingTail: () => this.hasPendingTail(),
      changes: this.changes,
      idleRecheckMs: this.idleRecheckMs,
    };
    return subscribe(source, options);
  }

  async streamVersion(stream: string): Promise<number | undefined> {
    parseStreamName(stream);
    const { rows } = await this.pool.query<{ version: string | null }>(
      `SELECT max(stream_version) AS version FROM ${this.q('events')} WHERE stream_name = $1`,
      [stream],
    );
    return rows[0]!.version === null ? undefined : Number(rows[0]!.version);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.changes.notify();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.drainAppends();
    await this.writer.end();
    if (this.ownsPool) await this.pool.end();
  }

  /**
   * Reads only events whose transactions are below every still-open transaction (see postgres-schema.ts).
   * The inner queries are ordered, limited index scans; the safe bound is applied outside them, where it
   * can only trim a suffix, so the result is always a gap-free prefix of the global order. Several
   * categories are read as a UNION ALL of per-category index scans that PostgreSQL merges in order.
   *
   * Bitmap scans are switched off for this one implicit transaction: without fresh statistics (a new
   * category, a table autovacuum has not analysed yet) the planner would otherwise pick a bitmap scan
   * plus sort over the whole rest of the log for every page, making a catch-up quadratic. `SET LOCAL`
   * needs the simple query protocol, so the values are inlined: they are validated integers and
   * category names matching /^[A-Za-z][A-Za-z0-9_]*$/ (see validation.ts), never free text.
   */
  private async readSafe(fromPosition: number, limit: number, categories: readonly string[] | undefined): Promise<StoredEvent[]> {
    if (categories?.length === 0) return [];
    const from = assertSafeInteger(fromPosition);
    const max = assertSafeInteger(limit);
    const scan = (filter: string) =>
      `(SELECT ${COLUMNS} FROM ${this.q('events')} WHERE global_position > ${from}${filter} ORDER BY global_position LIMIT ${max})`;
    const inner = categories
      ? [...new Set(categories)].map((category) => scan(` AND category = '${assertCategory(category)}'`)).join(' UNION ALL ')
      : scan('');
    const results = (await this.pool.query({
      text: `SET LOCAL enable_bitmapscan = off;
       SELECT * FROM (${inner}) e WHERE global_position < ${SAFE_BOUND} ORDER BY global_position LIMIT ${max}`,
      rowMode: 'array',
    })) as unknown as pg.QueryResult<EventRow>[];
    return results[1]!.rows.map(toStoredEvent);
  }

  private async hasPendingTail(): Promise<boolean> {
    const { rows } = await this.pool.query<{ pending: boolean | null }>(pendingTailSql(this.schema));
    return rows[0]!.pending === true;
  }

  /** Wakes this process's subscribers at once and other processes' through one coalesced NOTIFY. */
  private announceAppend(): void {
    this.changes.notify();
    if (this.notifyInFlight) {
      this.notifyAgain = true;
      return;
    }
    this.notifyInFlight = true;
    const send = (): void => {
      this.notifyAgain = false;
      this.pool
        .query('SELECT pg_notify($1, $2)', [this.channel, ''])
        .catch(() => undefined) // subscribers still re-read every idleRecheckMs
        .finally(() => {
          if (this.notifyAgain && !this.closed) send();
          else this.notifyInFlight = false;
        });
    };
    send();
  }

  private ensureListening(): Promise<void> {
    if (this.listening) return this.listening;
    this.listening = (async () => {
      const client = new pg.Client(this.connectionConfig);
      client.on('notification', () => this.changes.notify());
      client.on('error', () => {
        // connection lost: forget it so the next subscription reconnects; live readers fall back to idle re-reads
        if (this.listener === client) this.listener = undefined;
        this.listening = undefined;
      });
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      if (this.closed) await client.end();
      else this.listener = client;
    })().catch((error) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }
}

// bigint columns arrive as strings; versions and positions fit in a JS number (see postgres-schema.ts)
function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row[2],
    type: row[3],
    data: row[4],
    metadata: row[5],
    streamName: row[7],
    streamVersion: Number(row[1]),
    globalPosition: Number(row[0]),
    recordedAt: row[6],
  };
}

function assertSafeInteger(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer: ${n}`);
  return n;
}

function assertCategory(category: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(category)) throw new Error(`not a category name: ${category}`);
  return category;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

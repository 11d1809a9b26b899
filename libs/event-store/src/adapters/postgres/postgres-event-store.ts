import pg from 'pg';
import { DuplicateEventIdError, InvalidArgumentError, StreamNotFoundError, WrongExpectedVersionError } from '../../errors';
import { ChangeSignal, subscribe } from '../../subscription';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../../types';
import {
  parseStreamName,
  prepareEvents,
  validateExpectedVersion,
  validateReadAllOptions,
  validateReadStreamOptions,
} from '../../validation';
import { migrationSql, POSITION_SHIFT } from './postgres-schema';

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
// recorded_at as epoch milliseconds: far cheaper to decode than a timestamptz
const COLUMNS = `global_position, stream_name, stream_version, event_id, type, data, metadata, (extract(epoch FROM recorded_at) * 1000)::bigint AS recorded_at`;

type EventRow = {
  global_position: string;
  stream_name: string;
  stream_version: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: string;
};

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

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    private readonly ownsPool: boolean,
    private readonly idleRecheckMs: number,
    private readonly connectionConfig: pg.ClientConfig,
  ) {
    this.channel = `hearth_events_${schema}`.slice(0, 63);
    this.q = (name) => `"${schema}".${name}`;
    this.appendStatement = `hearth_append_${schema}`;
    this.appendSql = `SELECT * FROM ${this.q('append_events')}($1, $2, $3, $4, $5::text[], $6::text[], $7::json[], $8::json[])`;
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
    const store = new PostgresEventStore(pool, options.schema, !options.pool, options.idleRecheckMs ?? 5_000, connectionConfig);
    await store.migrate();
    return store;
  }

  /** Creates or upgrades the schema. Safe to run concurrently from several instances. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hearth-event-store:${this.schema}`]);
      for (const sql of migrationSql(this.schema)) await client.query(sql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const { category } = parseStreamName(stream);
    const expected = validateExpectedVersion(options.expectedVersion);
    const prepared = prepareEvents(events);
    const kind = typeof expected === 'number' ? 'exact' : expected;
    const params = [
      stream,
      category,
      kind,
      typeof expected === 'number' ? expected : null,
      prepared.map((e) => e.eventId),
      prepared.map((e) => e.type),
      prepared.map((e) => e.dataJson),
      prepared.map((e) => e.metadataJson),
    ];

    for (let attempt = 0; ; attempt++) {
      let row: { outcome: string; stream_version: string | null; global_position: string | null; conflict_event_id: string | null; conflict_stream: string | null };
      try {
        const result = await this.pool.query({ name: this.appendStatement, text: this.appendSql, values: params });
        row = result.rows[0];
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
        // A concurrent append won a race on the same stream version or event id. Running the append
        // again sees the winner: it reports a duplicate, the actual version on a pinned expectation,
        // or (for 'any') appends after the winner.
        continue;
      }
      switch (row.outcome) {
        case 'ok':
        case 'duplicate':
          if (row.outcome === 'ok') this.announceAppend();
          return {
            streamVersion: Number(row.stream_version),
            globalPosition: Number(row.global_position),
            duplicate: row.outcome === 'duplicate',
          };
        case 'wrong_expected_version':
          throw new WrongExpectedVersionError(stream, expected, row.stream_version === null ? undefined : Number(row.stream_version));
        case 'event_id_conflict':
          throw new DuplicateEventIdError(row.conflict_event_id!, row.conflict_stream!);
        default:
          throw new Error(`unexpected append outcome ${row.outcome}`);
      }
    }
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
    const { rows } = await this.pool.query<EventRow>(sql, params);
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
    const results = (await this.pool.query(
      `SET LOCAL enable_bitmapscan = off;
       SELECT * FROM (${inner}) e WHERE global_position < ${SAFE_BOUND} ORDER BY global_position LIMIT ${max}`,
    )) as unknown as pg.QueryResult<EventRow>[];
    return results[1]!.rows.map(toStoredEvent);
  }

  private async hasPendingTail(): Promise<boolean> {
    const { rows } = await this.pool.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.q('events')} WHERE global_position >= ${SAFE_BOUND}) AS pending`,
    );
    return rows[0]!.pending;
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
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream_name,
    streamVersion: Number(row.stream_version),
    globalPosition: Number(row.global_position),
    recordedAt: new Date(Number(row.recorded_at)).toISOString(),
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

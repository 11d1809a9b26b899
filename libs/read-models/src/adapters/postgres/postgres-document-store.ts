import { createHash } from 'node:crypto';
import pg from 'pg';
import { ReadModelStateError, UniqueConstraintError } from '../../errors';
import type { Backend, DocumentRef, StoredDocument } from '../../internal/backend';
import type { CompiledFind, Predicate } from '../../internal/query';
import { DocumentStoreCore } from '../../internal/store-core';
import type { BaseDocument, Checkpoint, Collection, DeleteOptions, DocumentSession, DocumentStore, Target, UpsertOptions } from '../../types';
import { countSql, createTableSql, findSql, promoteSql, table, uniqueIndexFields } from './postgres-sql';
import { StatisticsKeeper, type AutoAnalyzeOptions } from './statistics-keeper';
import { changeChannel, changePayloads, DocumentChangeListener, type DocumentChange } from './change-feed';
import { createCachedReader, type CachedDocumentReader, type CachedReaderOptions } from './cached-reader';
import { LocalCommits, type LocalWrite } from './local-commits';

export type PostgresDocumentStoreOptions = {
  /** A pool to share with the service (e.g. its event store's), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** The owning service's PostgreSQL schema, e.g. `customer_profile`; created if missing. */
  schema: string;
  /**
   * ANALYZE a collection's table after many writes (and a rebuilt table when it goes live), so keyset
   * pages use their ordered index right after a bulk load instead of waiting up to a minute for
   * autovacuum (default on; `false` leaves statistics to autovacuum alone).
   */
  autoAnalyze?: AutoAnalyzeOptions | false;
  /**
   * Collections whose committed writes are announced (NOTIFY inside the writing transaction) so that
   * `cachedReader`s in every process drop what changed. Enable it in the process that writes them (the
   * projection) and in those that cache them; it costs one statement per transaction that changed them.
   */
  changeFeed?: { collections: readonly Collection[] };
};

type Conn = pg.Pool | pg.PoolClient;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Named statements are parsed once per connection; the name is derived from the text, so it never clashes. */
function named(text: string, values: unknown[]): pg.QueryConfig {
  return { name: `hrm_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values };
}

function isUniqueViolation(error: unknown): error is { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

class PostgresBackend implements Backend<Conn> {
  readonly kind = 'postgres' as const;
  readonly transactional = true;
  private readonly checkpoints: string;

  private readonly statistics: StatisticsKeeper | undefined;
  /** Collections whose changes are announced. */
  private readonly announced: ReadonlySet<string>;
  readonly channel: string;
  /** Changes of the transaction running on a client, sent before its COMMIT (with the written document, for write-through caches). */
  private readonly pending = new WeakMap<object, Map<string, { change: DocumentChange; doc?: StoredDocument }>>();
  /** Write-through caches of this process, told what each transaction commits. */
  readonly localCommits = new LocalCommits();

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    private readonly ownsPool: boolean,
    autoAnalyze: AutoAnalyzeOptions | false = {},
    announced: readonly Collection[] = [],
  ) {
    this.checkpoints = `"${schema}".read_model_checkpoints`;
    this.statistics = autoAnalyze === false ? undefined : new StatisticsKeeper(pool, autoAnalyze);
    this.announced = new Set(announced.map((c) => c.name));
    this.channel = changeChannel(schema);
  }

  announces(collection: Collection): boolean {
    return this.announced.has(collection.name);
  }

  /**
   * Notes changed documents of an announced collection: sent with the transaction's commit, or now when
   * autocommitted. Written documents are announced with their version; deleted ones without (a reader
   * drops whatever it holds of them).
   */
  private async changed(conn: Conn, target: Target, collection: Collection, written: readonly StoredDocument[], deleted: readonly DocumentRef[] = []): Promise<void> {
    if (target !== 'live' || !this.announced.has(collection.name) || written.length + deleted.length === 0) return;
    const pending = this.pending.get(conn);
    if (pending) {
      for (const doc of written) pending.set(`${collection.name}\u0000${doc.tenantId}\u0000${doc.id}`, { change: [collection.name, doc.tenantId, doc.id, doc.version], doc });
      for (const ref of deleted) pending.set(`${collection.name}\u0000${ref.tenantId}\u0000${ref.id}`, { change: [collection.name, ref.tenantId, ref.id] });
      return;
    }
    await this.announce(conn, [...written.map((doc) => [collection.name, doc.tenantId, doc.id, doc.version] as const), ...deleted.map((ref) => [collection.name, ref.tenantId, ref.id] as const)]);
  }

  private async announce(conn: Conn, changes: Iterable<DocumentChange>): Promise<void> {
    for (const payload of changePayloads(changes)) await conn.query('SELECT pg_notify($1, $2)', [this.channel, payload]);
  }

  async migrate(): Promise<void> {
    await this.locked(`schema`, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.checkpoints} (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    });
  }

  /** Runs DDL in a transaction holding an advisory lock, so concurrent instances never race on CREATE … IF NOT EXISTS. */
  private async locked(key: string, fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    await this.run(true, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hearth-read-models:${this.schema}:${key}`]);
      await fn(client as pg.PoolClient);
    });
  }

  async run<T>(transaction: boolean, fn: (conn: Conn) => Promise<T>): Promise<T> {
    if (!transaction) return fn(this.pool);
    const client = await this.pool.connect();
    let broken = false;
    let committed: ((outcome: boolean) => void) | undefined;
    try {
      await client.query('BEGIN');
      const changes = new Map<string, { change: DocumentChange; doc?: StoredDocument }>();
      if (this.announced.size > 0) this.pending.set(client, changes);
      const result = await fn(client);
      this.pending.delete(client);
      // in the transaction: delivered when, and only if, it commits
      if (changes.size > 0) await this.announce(client, [...changes.values()].map((c) => c.change));
      // write-through caches register what is committing before COMMIT, so an announcement that overtakes it is not missed
      const writes: LocalWrite[] = [];
      if (this.localCommits.observed) for (const { change, doc } of changes.values()) if (doc) writes.push({ collection: change[0], doc });
      committed = this.localCommits.committing(writes);
      await client.query('COMMIT');
      const done = committed;
      committed = undefined;
      done(true);
      return result;
    } catch (error) {
      this.pending.delete(client);
      committed?.(false);
      await client.query('ROLLBACK').catch(() => {
        broken = true; // the connection is unusable: let the pool discard it
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ensure(collection: Collection): Promise<void> {
    await this.locked(collection.name, async (client) => {
      for (const sql of createTableSql(this.schema, collection, 'live')) await client.query(sql);
    });
  }

  private async write<T>(collection: Collection, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isUniqueViolation(error)) throw new UniqueConstraintError(collection.name, uniqueIndexFields(collection, error.constraint), { cause: error });
      throw error;
    }
  }

  async getMany(conn: Conn, target: Target, collection: Collection, refs: readonly DocumentRef[]): Promise<StoredDocument[]> {
    if (refs.length === 0) return [];
    const t = table(this.schema, collection, target);
    if (refs.length === 1) {
      const { rows } = await conn.query<{ doc: StoredDocument }>(named(`SELECT doc FROM ${t} WHERE tenant_id = $1 AND id = $2`, [refs[0]!.tenantId, refs[0]!.id]));
      return rows.map((r) => r.doc);
    }
    const { rows } = await conn.query<{ doc: StoredDocument }>(
      named(`SELECT t.doc FROM ${t} t JOIN unnest($1::text[], $2::text[]) AS k(tenant_id, id) ON t.tenant_id = k.tenant_id AND t.id = k.id`, [
        refs.map((r) => r.tenantId),
        refs.map((r) => r.id),
      ]),
    );
    return rows.map((r) => r.doc);
  }

  async upsertOne(conn: Conn, target: Target, collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    const t = table(this.schema, collection, target);
    const values: unknown[] = [doc.tenantId, doc.id, doc.version, JSON.stringify(doc)];
    let text: string;
    if (options.ifVersion === undefined) {
      // The version guard is atomic: the conflicting row is locked and compared inside the statement.
      text = `INSERT INTO ${t} AS s (tenant_id, id, version, doc) VALUES ($1, $2, $3, $4::jsonb)
              ON CONFLICT (tenant_id, id) DO UPDATE SET version = excluded.version, doc = excluded.doc
              WHERE s.version < excluded.version`;
    } else if (options.ifVersion === 'absent') {
      text = `INSERT INTO ${t} (tenant_id, id, version, doc) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (tenant_id, id) DO NOTHING`;
    } else {
      values.push(options.ifVersion);
      text = `UPDATE ${t} SET version = $3, doc = $4::jsonb WHERE tenant_id = $1 AND id = $2 AND version = $5 AND version < $3`;
    }
    const result = await this.write(collection, () => conn.query(named(text, values)));
    this.statistics?.wrote(t, result.rowCount ?? 0);
    if (result.rowCount === 1) await this.changed(conn, target, collection, [doc]);
    return result.rowCount === 1;
  }

  async upsertMany(conn: Conn, target: Target, collection: Collection, docs: readonly StoredDocument[]): Promise<number> {
    if (docs.length === 0) return 0;
    // One JSON array parameter: PostgreSQL parses it once; cheaper than encoding a jsonb[] literal.
    const t = table(this.schema, collection, target);
    const text = `INSERT INTO ${t} AS s (tenant_id, id, version, doc)
      SELECT d->>'tenantId', d->>'id', (d->>'version')::bigint, d FROM jsonb_array_elements($1::jsonb) AS d
      ON CONFLICT (tenant_id, id) DO UPDATE SET version = excluded.version, doc = excluded.doc
      WHERE s.version < excluded.version
      RETURNING s.tenant_id, s.id`;
    const result = await this.write(collection, () => conn.query<{ tenant_id: string; id: string }>(named(text, [JSON.stringify(docs)])));
    this.statistics?.wrote(t, result.rowCount ?? 0);
    // only the rows the version guard let through were written: a skipped (older) document is neither announced nor cached
    if (result.rows.length > 0) {
      const written = new Set(result.rows.map((row) => `${row.tenant_id}\u0000${row.id}`));
      await this.changed(conn, target, collection, docs.filter((doc) => written.has(`${doc.tenantId}\u0000${doc.id}`)));
    }
    return result.rowCount ?? 0;
  }

  async deleteOne(conn: Conn, target: Target, collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    const values: unknown[] = [ref.tenantId, ref.id];
    const t = table(this.schema, collection, target);
    let text = `DELETE FROM ${t} WHERE tenant_id = $1 AND id = $2`;
    if (options.ifVersion !== undefined) text += ` AND version = $${values.push(options.ifVersion)}`;
    if (options.beforeVersion !== undefined) text += ` AND version < $${values.push(options.beforeVersion)}`;
    const result = await conn.query(named(text, values));
    this.statistics?.wrote(t, result.rowCount ?? 0);
    if (result.rowCount === 1) await this.changed(conn, target, collection, [], [ref]);
    return result.rowCount === 1;
  }

  async deleteMany(conn: Conn, target: Target, collection: Collection, items: readonly (DocumentRef & { version: number })[]): Promise<number> {
    if (items.length === 0) return 0;
    const name = table(this.schema, collection, target);
    const text = `DELETE FROM ${name} t USING unnest($1::text[], $2::text[], $3::bigint[]) AS d(tenant_id, id, version)
      WHERE t.tenant_id = d.tenant_id AND t.id = d.id AND t.version = d.version`;
    const result = await conn.query(named(text, [items.map((i) => i.tenantId), items.map((i) => i.id), items.map((i) => i.version)]));
    this.statistics?.wrote(name, result.rowCount ?? 0);
    if ((result.rowCount ?? 0) > 0) await this.changed(conn, target, collection, [], items);
    return result.rowCount ?? 0;
  }

  async find(conn: Conn, target: Target, collection: Collection, query: CompiledFind): Promise<StoredDocument[]> {
    const { rows } = await conn.query<{ doc: StoredDocument }>(findSql(this.schema, collection, target, query));
    return rows.map((r) => r.doc);
  }

  async count(conn: Conn, target: Target, collection: Collection, tenantId: string, predicates: readonly Predicate[]): Promise<number> {
    const { rows } = await conn.query<{ n: number }>(countSql(this.schema, collection, target, tenantId, predicates));
    return rows[0]!.n;
  }

  async loadCheckpoint(name: string): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<{ position: string; updated_at: string }>(
      named(`SELECT position, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at FROM ${this.checkpoints} WHERE name = $1`, [name]),
    );
    const row = rows[0];
    return row ? { name, position: Number(row.position), updatedAt: row.updated_at } : undefined;
  }

  async saveCheckpoint(conn: Conn, name: string, position: number, expected: number | undefined): Promise<boolean> {
    const result =
      expected === undefined
        ? await conn.query(named(`INSERT INTO ${this.checkpoints} (name, position) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, position]))
        : await conn.query(
            named(`UPDATE ${this.checkpoints} SET position = $2, updated_at = now() WHERE name = $1 AND position = $3`, [name, position, expected]),
          );
    return result.rowCount === 1;
  }

  async deleteCheckpoint(conn: Conn, name: string): Promise<void> {
    await conn.query(named(`DELETE FROM ${this.checkpoints} WHERE name = $1`, [name]));
  }

  async prepareRebuild(collections: readonly Collection[]): Promise<void> {
    for (const collection of collections) {
      await this.locked(collection.name, async (client) => {
        await client.query(`DROP TABLE IF EXISTS ${table(this.schema, collection, 'rebuild')}`);
        for (const sql of createTableSql(this.schema, collection, 'rebuild')) await client.query(sql);
      });
    }
  }

  /**
   * One transaction: drop each live table, rename its rebuild copy (table, key, indexes) into place, run
   * `inSwitch` (the checkpoint). Readers wait for the lock a moment and then see the new tables; the
   * rename is atomic for every process, so no reader ever sees a mix.
   */
  async switchToRebuilt(collections: readonly Collection[], inSwitch: (conn: Conn) => Promise<void>): Promise<void> {
    await this.run(true, async (client) => {
      for (const collection of [...collections].sort((a, b) => a.name.localeCompare(b.name))) {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hearth-read-models:${this.schema}:${collection.name}`]);
        const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table(this.schema, collection, 'rebuild')]);
        if (!rows[0]!.exists) throw new ReadModelStateError(`no rebuild copy of '${collection.name}' exists in schema '${this.schema}'`);
        for (const sql of promoteSql(this.schema, collection)) await client.query(sql);
      }
      const announced = collections.filter((c) => this.announced.has(c.name)).map((c) => c.name);
      if (announced.length > 0) await client.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify({ reset: announced })]);
      await inSwitch(client);
    });
    // the promoted tables are new to the planner: their statistics were those of the rebuild copies, if any
    for (const collection of collections) this.statistics?.analyzeSoon(table(this.schema, collection, 'live'));
  }

  async discardRebuild(collections: readonly Collection[]): Promise<void> {
    for (const collection of collections) await this.pool.query(`DROP TABLE IF EXISTS ${table(this.schema, collection, 'rebuild')}`);
  }

  async close(): Promise<void> {
    this.statistics?.close();
    if (this.ownsPool) await this.pool.end();
  }
}

/**
 * The default DocumentStore: PostgreSQL through `pg`, jsonb documents, one table per collection in the
 * owning service's schema, declared indexes as expression indexes. `connect()` runs the idempotent
 * migrations; collections are created on first use (or by `ensureCollections`).
 */
export class PostgresDocumentStore extends DocumentStoreCore<Conn> {
  private constructor(private readonly pg: PostgresBackend) {
    super(pg);
  }

  /** The pool the store uses (shared with the caller when one was given). */
  get pool(): pg.Pool {
    return this.pg.pool;
  }

  get schema(): string {
    return this.pg.schema;
  }

  private listener: DocumentChangeListener | undefined;
  private readonly readers = new Set<CachedDocumentReader<unknown>>();

  /**
   * Reads of `collection` through a cache in this process that the change feed keeps exact (the
   * collection must be in `changeFeed.collections` of the store that writes it). See `createCachedReader`.
   */
  cachedReader<D extends BaseDocument, T>(collection: Collection<D>, options: CachedReaderOptions<D, T>): CachedDocumentReader<T> {
    if (options.writeThrough && !this.pg.announces(collection)) {
      throw new ReadModelStateError(`write-through caching of '${collection.name}' needs it in the store's changeFeed.collections`);
    }
    this.listener ??= new DocumentChangeListener(this.pg.pool.options, this.pg.channel);
    const reader = createCachedReader(this, this.listener, collection, options, this.pg.localCommits);
    this.readers.add(reader as CachedDocumentReader<unknown>);
    return reader;
  }

  /** Resolves once the change listener is connected (tests; a reader caches nothing before). */
  async changeFeedReady(): Promise<boolean> {
    await this.listener?.ready();
    return this.listener?.live() ?? false;
  }

  override async close(): Promise<void> {
    for (const reader of this.readers) reader.close();
    this.listener?.close();
    await super.close();
  }

  /**
   * The PostgreSQL connection behind a session of this store (`transaction()`, or a projection's
   * `project(event, session)`): a projection that needs a table of its own shape (a full-text index,
   * arrays, …) writes it with SQL that commits atomically with the runner's checkpoint. Valid only
   * inside the session's callback. Buffered document writes of a write-behind session go out at
   * `session.flush()`: call it first when SQL reads rows the documents also touch.
   */
  sqlClientOf(session: DocumentSession): pg.PoolClient {
    const own = this.connectionOf(session);
    if (!own) throw new ReadModelStateError('this session belongs to another store');
    return own.conn as pg.PoolClient;
  }

  static async connect(options: PostgresDocumentStoreOptions): Promise<PostgresDocumentStore> {
    if (!SCHEMA_NAME.test(options.schema)) throw new ReadModelStateError(`schema '${options.schema}' is not a lower-case PostgreSQL identifier`);
    if (!options.pool && !options.connectionString) throw new ReadModelStateError('give a pool or a connectionString');
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: 10 });
    const backend = new PostgresBackend(pool, options.schema, !options.pool, options.autoAnalyze ?? {}, options.changeFeed?.collections ?? []);
    try {
      await backend.migrate();
    } catch (error) {
      await backend.close();
      throw error;
    }
    return new PostgresDocumentStore(backend);
  }
}

export type { DocumentStore };

import { CheckpointConflictError, ConcurrentWriteError, ReadModelStateError } from '../errors';
import type {
  BaseDocument,
  Checkpoint,
  CheckpointStore,
  Collection,
  DeleteOptions,
  DeleteResult,
  DocumentKey,
  DocumentSession,
  DocumentStore,
  Filter,
  FindOptions,
  Page,
  SessionOptions,
  Target,
  TenantDocuments,
  UpsertOptions,
  UpsertResult,
} from '../types';
import type { Backend, DocumentRef, StoredDocument } from './backend';
import { refKey } from './backend';
import { assertId, assertTenantId, assertVersion, compileFilter, compileFind, encodeCursor, normalizeDocument, validateDocument } from './query';

/** Operations a tenant handle delegates to; implemented by direct and write-behind sessions. */
interface Operations {
  get(collection: Collection, ref: DocumentRef): Promise<StoredDocument | undefined>;
  upsert(collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean>;
  delete(collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean>;
  find(collection: Collection, tenantId: string, filter: Filter | undefined, options: FindOptions | undefined): Promise<Page<StoredDocument>>;
  count(collection: Collection, tenantId: string, filter: Filter | undefined): Promise<number>;
}

function validateDeleteOptions(collection: Collection, options: DeleteOptions): DeleteOptions {
  if (options.ifVersion !== undefined) assertVersion(collection, 'ifVersion', options.ifVersion);
  if (options.beforeVersion !== undefined) assertVersion(collection, 'beforeVersion', options.beforeVersion);
  return options;
}

function validateUpsertOptions(collection: Collection, options: UpsertOptions): UpsertOptions {
  if (options.ifVersion !== undefined && options.ifVersion !== 'absent') assertVersion(collection, 'ifVersion', options.ifVersion);
  return options;
}

class TenantHandle implements TenantDocuments {
  constructor(
    readonly tenantId: string,
    private readonly ops: Operations,
  ) {}

  async get<D extends BaseDocument>(collection: Collection<D>, id: string): Promise<D | undefined> {
    const doc = await this.ops.get(collection as Collection, { tenantId: this.tenantId, id: assertId(collection as Collection, id) });
    return doc as D | undefined;
  }

  async upsert<D extends BaseDocument>(collection: Collection<D>, doc: D, options: UpsertOptions = {}): Promise<UpsertResult> {
    const c = collection as Collection;
    validateDocument(c, this.tenantId, doc);
    validateUpsertOptions(c, options);
    return { applied: await this.ops.upsert(c, normalizeDocument(doc) as unknown as StoredDocument, options) };
  }

  async delete<D extends BaseDocument>(collection: Collection<D>, id: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    const c = collection as Collection;
    validateDeleteOptions(c, options);
    return { deleted: await this.ops.delete(c, { tenantId: this.tenantId, id: assertId(c, id) }, options) };
  }

  async find<D extends BaseDocument>(collection: Collection<D>, filter?: Filter, options?: FindOptions): Promise<Page<D>> {
    return (await this.ops.find(collection as Collection, this.tenantId, filter, options)) as unknown as Page<D>;
  }

  count<D extends BaseDocument>(collection: Collection<D>, filter?: Filter): Promise<number> {
    return this.ops.count(collection as Collection, this.tenantId, filter);
  }
}

/**
 * Builds the DocumentStore port on an adapter's Backend: tenant scoping, validation, lazy collection
 * creation, sessions (direct or write-behind), checkpoints and the rebuild hooks.
 */
export class DocumentStoreCore<C> implements DocumentStore {
  readonly kind: DocumentStore['kind'];
  readonly checkpoints: CheckpointStore;
  private readonly ensured = new Map<string, Promise<void>>();
  private readonly rebuilding = new Set<string>();
  private readonly sessionConnections = new WeakMap<DocumentSession, { conn: C; session: SessionBase<C> }>();
  private closed = false;

  constructor(readonly backend: Backend<C>) {
    this.kind = backend.kind;
    this.checkpoints = new CoreCheckpoints(this);
  }

  forTenant(tenantId: string): TenantDocuments {
    assertTenantId(tenantId);
    return new TenantHandle(tenantId, new AutoCommitOperations(this));
  }

  async transaction<T>(fn: (session: DocumentSession) => Promise<T>, options: SessionOptions = {}): Promise<T> {
    this.assertOpen();
    const target = options.target ?? 'live';
    return this.backend.run(true, async (conn) => {
      const session: SessionBase<C> = options.writeBehind ? new WriteBehindSession(this, conn, target) : new DirectSession(this, conn, target);
      this.sessionConnections.set(session, { conn, session });
      try {
        const result = await fn(session);
        await session.flush();
        return result;
      } finally {
        session.end();
      }
    }, target);
  }

  async ensureCollections(collections: readonly Collection[]): Promise<void> {
    for (const collection of collections) await this.ensure(collection, 'live');
  }

  async prepareRebuild(collections: readonly Collection[]): Promise<void> {
    this.assertOpen();
    await this.backend.prepareRebuild(collections);
    for (const c of collections) this.rebuilding.add(c.name);
  }

  async switchToRebuilt(collections: readonly Collection[], inSwitch: (session: DocumentSession) => Promise<void>): Promise<void> {
    this.assertOpen();
    for (const c of collections) {
      if (!this.rebuilding.has(c.name)) throw new ReadModelStateError(`'${c.name}' has no prepared rebuild in this process`);
    }
    await this.backend.switchToRebuilt(collections, async (conn) => {
      const session = new DirectSession(this, conn, 'live');
      this.sessionConnections.set(session, { conn, session });
      try {
        await inSwitch(session);
      } finally {
        session.end();
      }
    });
    for (const c of collections) {
      this.rebuilding.delete(c.name);
      this.forgetEnsured(c);
    }
  }

  async discardRebuild(collections: readonly Collection[]): Promise<void> {
    this.assertOpen();
    await this.backend.discardRebuild(collections);
    for (const c of collections) this.rebuilding.delete(c.name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.close();
  }

  /** @internal */
  assertOpen(): void {
    if (this.closed) throw new ReadModelStateError('the document store is closed');
  }

  /** @internal Creates the collection on first use; rebuild copies must have been prepared. */
  async ensure(collection: Collection, target: Target): Promise<void> {
    this.assertOpen();
    if (target === 'rebuild') {
      if (!this.rebuilding.has(collection.name)) {
        throw new ReadModelStateError(`'${collection.name}' is not part of a prepared rebuild: list it in the projection's collections`);
      }
      return;
    }
    const key = `${collection.name}|${JSON.stringify(collection.fields)}|${JSON.stringify(collection.indexes)}`;
    let pending = this.ensured.get(key);
    if (!pending) {
      pending = this.backend.ensure(collection);
      this.ensured.set(key, pending);
      pending.catch(() => this.ensured.delete(key));
    }
    await pending;
  }

  private forgetEnsured(collection: Collection): void {
    for (const key of [...this.ensured.keys()]) if (key.startsWith(`${collection.name}|`)) this.ensured.delete(key);
  }

  /** @internal The connection of a session of this store, or undefined for foreign sessions. */
  connectionOf(session: DocumentSession | undefined): { conn: C; session: SessionBase<C> } | undefined {
    return session ? this.sessionConnections.get(session) : undefined;
  }

  /** @internal A find on a connection, paged. */
  async findOn(conn: C, target: Target, collection: Collection, tenantId: string, filter: Filter | undefined, options: FindOptions | undefined): Promise<Page<StoredDocument>> {
    const query = compileFind(collection, tenantId, filter, options);
    await this.ensure(collection, target);
    const rows = await this.backend.find(conn, target, collection, query);
    const items = rows.slice(0, query.limit);
    const page: Page<StoredDocument> = { items };
    if (rows.length > query.limit) page.nextCursor = encodeCursor(query, items[items.length - 1]!);
    return page;
  }

  /** @internal */
  async countOn(conn: C, target: Target, collection: Collection, tenantId: string, filter: Filter | undefined): Promise<number> {
    const predicates = compileFilter(collection, filter);
    await this.ensure(collection, target);
    return this.backend.count(conn, target, collection, tenantId, predicates);
  }
}

/** Each call on its own connection and (for writes) its own commit. */
class AutoCommitOperations<C> implements Operations {
  constructor(private readonly core: DocumentStoreCore<C>) {}

  async get(collection: Collection, ref: DocumentRef): Promise<StoredDocument | undefined> {
    await this.core.ensure(collection, 'live');
    return this.core.backend.run(false, async (conn) => (await this.core.backend.getMany(conn, 'live', collection, [ref]))[0]);
  }

  async upsert(collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    await this.core.ensure(collection, 'live');
    return this.core.backend.run(false, (conn) => this.core.backend.upsertOne(conn, 'live', collection, doc, options));
  }

  async delete(collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    await this.core.ensure(collection, 'live');
    return this.core.backend.run(false, (conn) => this.core.backend.deleteOne(conn, 'live', collection, ref, options));
  }

  find(collection: Collection, tenantId: string, filter: Filter | undefined, options: FindOptions | undefined): Promise<Page<StoredDocument>> {
    return this.core.backend.run(false, (conn) => this.core.findOn(conn, 'live', collection, tenantId, filter, options));
  }

  count(collection: Collection, tenantId: string, filter: Filter | undefined): Promise<number> {
    return this.core.backend.run(false, (conn) => this.core.countOn(conn, 'live', collection, tenantId, filter));
  }
}

abstract class SessionBase<C> implements DocumentSession, Operations {
  readonly transactional: boolean;
  private ended = false;

  constructor(
    protected readonly core: DocumentStoreCore<C>,
    protected readonly conn: C,
    readonly target: Target,
  ) {
    this.transactional = core.backend.transactional;
  }

  forTenant(tenantId: string): TenantDocuments {
    assertTenantId(tenantId);
    return new TenantHandle(tenantId, this);
  }

  end(): void {
    this.ended = true;
  }

  protected assertActive(): void {
    if (this.ended) throw new ReadModelStateError('this session has ended: use it only inside its transaction callback');
  }

  abstract preload(keys: readonly DocumentKey[]): Promise<void>;
  abstract flush(): Promise<void>;
  abstract get(collection: Collection, ref: DocumentRef): Promise<StoredDocument | undefined>;
  abstract upsert(collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean>;
  abstract delete(collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean>;

  async find(collection: Collection, tenantId: string, filter: Filter | undefined, options: FindOptions | undefined): Promise<Page<StoredDocument>> {
    this.assertActive();
    await this.flush();
    return this.core.findOn(this.conn, this.target, collection, tenantId, filter, options);
  }

  async count(collection: Collection, tenantId: string, filter: Filter | undefined): Promise<number> {
    this.assertActive();
    await this.flush();
    return this.core.countOn(this.conn, this.target, collection, tenantId, filter);
  }
}

/** Every operation goes straight to the backend, inside the session's transaction. */
class DirectSession<C> extends SessionBase<C> {
  async preload(): Promise<void> {
    this.assertActive();
  }

  async flush(): Promise<void> {
    this.assertActive();
  }

  async get(collection: Collection, ref: DocumentRef): Promise<StoredDocument | undefined> {
    this.assertActive();
    await this.core.ensure(collection, this.target);
    return (await this.core.backend.getMany(this.conn, this.target, collection, [ref]))[0];
  }

  async upsert(collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    this.assertActive();
    await this.core.ensure(collection, this.target);
    return this.core.backend.upsertOne(this.conn, this.target, collection, doc, options);
  }

  async delete(collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    this.assertActive();
    await this.core.ensure(collection, this.target);
    return this.core.backend.deleteOne(this.conn, this.target, collection, ref, options);
  }
}

type CacheEntry = {
  ref: DocumentRef;
  /** The document as this session sees it (null: absent). */
  current: StoredDocument | null;
  /** Version in the database as of the last load or flush (undefined: absent there). */
  persisted: number | undefined;
  upsertPending: boolean;
  deletePending: boolean;
};

/**
 * A unit of work: reads are cached, writes buffered and written in bulk (one statement per collection
 * and kind) before any find/count and at the end. Version checks run against the session's view, so
 * `upsert()` still reports `applied` at once; the bulk write re-checks them in the database and throws
 * ConcurrentWriteError when another writer changed a document in between.
 */
class WriteBehindSession<C> extends SessionBase<C> {
  private readonly cache = new Map<string, { collection: Collection; entries: Map<string, CacheEntry> }>();

  private entriesOf(collection: Collection): Map<string, CacheEntry> {
    let bucket = this.cache.get(collection.name);
    if (!bucket) {
      bucket = { collection, entries: new Map() };
      this.cache.set(collection.name, bucket);
    }
    return bucket.entries;
  }

  private async load(collection: Collection, refs: readonly DocumentRef[]): Promise<void> {
    const entries = this.entriesOf(collection);
    const missing = new Map<string, DocumentRef>();
    for (const ref of refs) {
      const key = refKey(ref.tenantId, ref.id);
      if (!entries.has(key)) missing.set(key, ref);
    }
    if (missing.size === 0) return;
    await this.core.ensure(collection, this.target);
    const found = await this.core.backend.getMany(this.conn, this.target, collection, [...missing.values()]);
    const byKey = new Map(found.map((doc) => [refKey(doc.tenantId, doc.id), doc]));
    for (const [key, ref] of missing) {
      if (entries.has(key)) continue; // loaded by a concurrent call meanwhile
      const doc = byKey.get(key);
      entries.set(key, { ref, current: doc ?? null, persisted: doc?.version, upsertPending: false, deletePending: false });
    }
  }

  private async entry(collection: Collection, ref: DocumentRef): Promise<CacheEntry> {
    await this.load(collection, [ref]);
    return this.entriesOf(collection).get(refKey(ref.tenantId, ref.id))!;
  }

  async preload(keys: readonly DocumentKey[]): Promise<void> {
    this.assertActive();
    const byCollection = new Map<string, { collection: Collection; refs: DocumentRef[] }>();
    for (const key of keys) {
      assertTenantId(key.tenantId);
      assertId(key.collection, key.id);
      let group = byCollection.get(key.collection.name);
      if (!group) byCollection.set(key.collection.name, (group = { collection: key.collection, refs: [] }));
      group.refs.push({ tenantId: key.tenantId, id: key.id });
    }
    for (const { collection, refs } of byCollection.values()) await this.load(collection, refs);
  }

  async get(collection: Collection, ref: DocumentRef): Promise<StoredDocument | undefined> {
    this.assertActive();
    const { current } = await this.entry(collection, ref);
    return current === null ? undefined : structuredClone(current);
  }

  async upsert(collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    this.assertActive();
    const entry = await this.entry(collection, { tenantId: doc.tenantId, id: doc.id });
    const current = entry.current;
    if (current !== null && current.version >= doc.version) return false;
    if (options.ifVersion === 'absent' && current !== null) return false;
    if (typeof options.ifVersion === 'number' && (current === null || current.version !== options.ifVersion)) return false;
    entry.current = doc;
    entry.upsertPending = true;
    return true;
  }

  async delete(collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    this.assertActive();
    const entry = await this.entry(collection, ref);
    const current = entry.current;
    if (current === null) return false;
    if (options.ifVersion !== undefined && current.version !== options.ifVersion) return false;
    if (options.beforeVersion !== undefined && current.version >= options.beforeVersion) return false;
    entry.current = null;
    entry.upsertPending = false;
    entry.deletePending = entry.persisted !== undefined;
    return true;
  }

  async flush(): Promise<void> {
    this.assertActive();
    for (const { collection, entries } of this.cache.values()) {
      const deletes: CacheEntry[] = [];
      const upserts: CacheEntry[] = [];
      for (const entry of entries.values()) {
        if (entry.deletePending) deletes.push(entry);
        if (entry.upsertPending) upserts.push(entry);
      }
      if (deletes.length > 0) {
        const deleted = await this.core.backend.deleteMany(
          this.conn,
          this.target,
          collection,
          deletes.map((e) => ({ ...e.ref, version: e.persisted! })),
        );
        if (deleted !== deletes.length) {
          throw new ConcurrentWriteError(collection.name, `${deletes.length - deleted} of ${deletes.length} buffered deletes found a changed document`);
        }
        for (const e of deletes) {
          e.deletePending = false;
          e.persisted = undefined;
        }
      }
      if (upserts.length > 0) {
        const written = await this.core.backend.upsertMany(this.conn, this.target, collection, upserts.map((e) => e.current!));
        if (written !== upserts.length) {
          throw new ConcurrentWriteError(collection.name, `${upserts.length - written} of ${upserts.length} buffered upserts found a newer document`);
        }
        for (const e of upserts) {
          e.upsertPending = false;
          e.persisted = e.current!.version;
        }
      }
    }
  }
}

class CoreCheckpoints<C> implements CheckpointStore {
  constructor(private readonly core: DocumentStoreCore<C>) {}

  load(name: string): Promise<Checkpoint | undefined> {
    this.core.assertOpen();
    return this.core.backend.loadCheckpoint(checkpointName(name));
  }

  async save(name: string, position: number, options: { expected: number | undefined; session?: DocumentSession }): Promise<void> {
    this.core.assertOpen();
    checkpointName(name);
    if (!Number.isSafeInteger(position) || position < 0) throw new ReadModelStateError(`checkpoint position must be a non-negative safe integer, got ${position}`);
    const own = this.core.connectionOf(options.session);
    // Buffered document writes go first: on a non-transactional store the checkpoint must never get ahead of them.
    if (options.session) await options.session.flush();
    const saved = own
      ? await this.core.backend.saveCheckpoint(own.conn, name, position, options.expected)
      : await this.core.backend.run(false, (conn) => this.core.backend.saveCheckpoint(conn, name, position, options.expected));
    if (!saved) throw new CheckpointConflictError(name, options.expected);
  }

  async delete(name: string, options: { session?: DocumentSession } = {}): Promise<void> {
    this.core.assertOpen();
    const own = this.core.connectionOf(options.session);
    if (own) await this.core.backend.deleteCheckpoint(own.conn, checkpointName(name));
    else await this.core.backend.run(false, (conn) => this.core.backend.deleteCheckpoint(conn, checkpointName(name)));
  }
}

function checkpointName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw new ReadModelStateError('a checkpoint name must be 1 to 200 characters');
  return name;
}

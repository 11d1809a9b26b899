import type { AnyBulkWriteOperation, Collection as MongoCollection, Db, Document, WriteConcernSettings } from 'mongodb';
import { MongoClient } from 'mongodb';
import { indexSuffix } from '../../collection';
import { ReadModelStateError, UniqueConstraintError } from '../../errors';
import type { Backend, DocumentRef, StoredDocument } from '../../internal/backend';
import type { CompiledFind, Predicate } from '../../internal/query';
import { KeyLock } from '../../internal/key-lock';
import { DocumentStoreCore } from '../../internal/store-core';
import type { Checkpoint, Collection, DeleteOptions, Target, UpsertOptions } from '../../types';
import { findFilter, whereFilter } from './mongodb-query';

export type MongoDocumentStoreOptions = {
  /** A client to share (the store never closes it), or a connection string to open one. */
  client?: MongoClient;
  uri?: string;
  /** The owning service's database, e.g. `customer_profile`. */
  database: string;
  /** Default `{ w: 'majority' }`: a write is acknowledged once a majority of the replica set has it. */
  writeConcern?: WriteConcernSettings;
  /**
   * How long a process trusts its cached collection generations (default 1000 ms): after a rebuild
   * switch made by another process, reads here move to the new collections within this time.
   */
  generationCacheMs?: number;
};

type Conn = null;
type Pointer = { _id: string; generation: number; rebuildGeneration?: number; previousGeneration?: number };
type DataDoc = StoredDocument & { _id: string };

const POINTERS = 'hearth_collections';
const CHECKPOINTS = 'hearth_checkpoints';
const DUPLICATE_KEY = 11000;

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/** `_id` of a document: unambiguous for any tenant and id strings. */
function key(tenantId: string, id: string): string {
  return JSON.stringify([tenantId, id]);
}

function strip(doc: Document): StoredDocument {
  const { _id: _ignored, ...rest } = doc;
  return rest as StoredDocument;
}

/** Gen 0 keeps the plain name, so a never-rebuilt collection looks as expected in the database. */
function physicalName(name: string, generation: number): string {
  return generation === 0 ? name : `${name}__v${generation}`;
}

/** The fields of the unique index a duplicate-key error names, when the server says (MongoDB does, FerretDB v1 does not). */
function violatedFields(collection: Collection, error: unknown): readonly string[] | undefined {
  const pattern = (error as { keyPattern?: Record<string, unknown> }).keyPattern;
  if (!pattern) return undefined;
  const fields = Object.keys(pattern).filter((f) => f !== 'tenantId');
  return collection.indexes.find((i) => i.unique && i.fields.join(',') === fields.join(','))?.fields;
}

class MongoBackend implements Backend<Conn> {
  readonly kind = 'mongodb' as const;
  readonly transactional = false;
  private readonly pointers = new Map<string, { pointer: Pointer; at: number }>();
  private readonly locks = new KeyLock();

  constructor(
    private readonly client: MongoClient,
    readonly db: Db,
    private readonly ownsClient: boolean,
    private readonly cacheMs: number,
  ) {}

  async run<T>(_transaction: boolean, fn: (conn: Conn) => Promise<T>): Promise<T> {
    // No multi-document transactions: FerretDB v1 and standalone servers have none. Writes apply one by
    // one; projection replays are absorbed by the version guard (see README).
    return fn(null);
  }

  private async pointer(name: string, fresh = false): Promise<Pointer> {
    const cached = this.pointers.get(name);
    if (!fresh && cached && Date.now() - cached.at < this.cacheMs) return cached.pointer;
    const found = await this.db.collection<Pointer>(POINTERS).findOne({ _id: name });
    const pointer: Pointer = found ?? { _id: name, generation: 0 };
    this.pointers.set(name, { pointer, at: Date.now() });
    return pointer;
  }

  private async coll(collection: Collection, target: Target): Promise<MongoCollection<DataDoc>> {
    const pointer = await this.pointer(collection.name);
    if (target === 'live') return this.db.collection<DataDoc>(physicalName(collection.name, pointer.generation));
    const fresh = pointer.rebuildGeneration === undefined ? await this.pointer(collection.name, true) : pointer;
    if (fresh.rebuildGeneration === undefined) throw new ReadModelStateError(`no rebuild of '${collection.name}' is prepared`);
    return this.db.collection<DataDoc>(physicalName(collection.name, fresh.rebuildGeneration));
  }

  private async createIndexes(collection: Collection, target: MongoCollection<DataDoc>): Promise<void> {
    await target.createIndex({ tenantId: 1, id: 1 }, { name: 'tenant_id' });
    for (const index of collection.indexes) {
      const spec: Record<string, 1> = { tenantId: 1 };
      for (const field of index.fields) spec[field] = 1;
      if (!index.unique) spec.id = 1;
      await target.createIndex(spec, { name: indexSuffix(collection, index), unique: index.unique === true });
    }
  }

  async ensure(collection: Collection): Promise<void> {
    await this.createIndexes(collection, await this.coll(collection, 'live'));
  }

  async getMany(_conn: Conn, target: Target, collection: Collection, refs: readonly DocumentRef[]): Promise<StoredDocument[]> {
    if (refs.length === 0) return [];
    const c = await this.coll(collection, target);
    const ids = refs.map((r) => key(r.tenantId, r.id));
    const docs = ids.length === 1 ? [await c.findOne({ _id: ids[0]! })].filter((d) => d !== null) : await c.find({ _id: { $in: ids } }).toArray();
    return docs.map(strip);
  }

  /**
   * Version-guarded upsert: replace where `_id` matches and the stored version is lower, inserting when
   * nothing matches. A duplicate-key error then means either a stored document at the same or a newer
   * version (not applied) or a concurrent insert (try again), or else a unique-index violation.
   */
  async upsertOne(_conn: Conn, target: Target, collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    const c = await this.coll(collection, target);
    return this.locks.with([`${c.collectionName}:${key(doc.tenantId, doc.id)}`], () => this.upsertLocked(c, collection, doc, options));
  }

  private async upsertLocked(c: MongoCollection<DataDoc>, collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    const _id = key(doc.tenantId, doc.id);
    const replacement = { _id, ...doc } as DataDoc;
    if (typeof options.ifVersion === 'number') {
      if (options.ifVersion >= doc.version) return false;
      try {
        return (await c.replaceOne({ _id, version: options.ifVersion }, replacement)).matchedCount === 1;
      } catch (error) {
        if (isDuplicateKey(error)) throw new UniqueConstraintError(collection.name, violatedFields(collection, error), { cause: error });
        throw error;
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        if (options.ifVersion === 'absent') {
          await c.insertOne(replacement);
          return true;
        }
        const result = await c.replaceOne({ _id, version: { $lt: doc.version } }, replacement, { upsert: true });
        return result.matchedCount + result.upsertedCount === 1;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const stored = await c.findOne({ _id });
        if (stored && (options.ifVersion === 'absent' || stored.version >= doc.version)) return false;
        if (attempt >= 2) throw new UniqueConstraintError(collection.name, violatedFields(collection, error), { cause: error });
      }
    }
  }

  async upsertMany(_conn: Conn, target: Target, collection: Collection, docs: readonly StoredDocument[]): Promise<number> {
    if (docs.length === 0) return 0;
    const c = await this.coll(collection, target);
    return this.locks.with(
      docs.map((d) => `${c.collectionName}:${key(d.tenantId, d.id)}`),
      () => this.upsertManyLocked(c, collection, docs),
    );
  }

  private async upsertManyLocked(c: MongoCollection<DataDoc>, collection: Collection, docs: readonly StoredDocument[]): Promise<number> {
    const operations: AnyBulkWriteOperation<DataDoc>[] = docs.map((doc) => ({
      replaceOne: { filter: { _id: key(doc.tenantId, doc.id), version: { $lt: doc.version } }, replacement: { _id: key(doc.tenantId, doc.id), ...doc } as DataDoc, upsert: true },
    }));
    try {
      const result = await c.bulkWrite(operations, { ordered: false });
      return result.matchedCount + result.upsertedCount;
    } catch (error) {
      const failed = (error as { writeErrors?: unknown }).writeErrors;
      const writeErrors = (Array.isArray(failed) ? failed : failed ? [failed] : []) as { index: number; code: number }[];
      if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw error;
      // Sort the duplicates out one by one: lost version races only lower the count, real violations throw.
      const result = (error as { result: { matchedCount: number; upsertedCount: number } }).result;
      let written = result.matchedCount + result.upsertedCount;
      for (const { index } of writeErrors) if (await this.upsertLocked(c, collection, docs[index]!, {})) written++;
      return written;
    }
  }

  async deleteOne(_conn: Conn, target: Target, collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    const c = await this.coll(collection, target);
    const version: Record<string, number> = {};
    if (options.ifVersion !== undefined) version.$eq = options.ifVersion;
    if (options.beforeVersion !== undefined) version.$lt = options.beforeVersion;
    const _id = key(ref.tenantId, ref.id);
    const filter = Object.keys(version).length > 0 ? { _id, version } : { _id };
    return this.locks.with([`${c.collectionName}:${_id}`], async () => (await c.deleteOne(filter)).deletedCount === 1);
  }

  async deleteMany(_conn: Conn, target: Target, collection: Collection, items: readonly (DocumentRef & { version: number })[]): Promise<number> {
    if (items.length === 0) return 0;
    const c = await this.coll(collection, target);
    return this.locks.with(
      items.map((i) => `${c.collectionName}:${key(i.tenantId, i.id)}`),
      async () =>
        (await c.bulkWrite(items.map((i) => ({ deleteOne: { filter: { _id: key(i.tenantId, i.id), version: i.version } } })), { ordered: false }))
          .deletedCount,
    );
  }

  async find(_conn: Conn, target: Target, collection: Collection, query: CompiledFind): Promise<StoredDocument[]> {
    const c = await this.coll(collection, target);
    const { filter, sort } = findFilter(query);
    return (await c.find(filter).sort(sort).limit(query.fetch).toArray()).map(strip);
  }

  async count(_conn: Conn, target: Target, collection: Collection, tenantId: string, predicates: readonly Predicate[]): Promise<number> {
    const c = await this.coll(collection, target);
    return c.countDocuments(whereFilter(tenantId, predicates));
  }

  async loadCheckpoint(name: string): Promise<Checkpoint | undefined> {
    const doc = await this.db.collection<{ _id: string; position: number; updatedAt: string }>(CHECKPOINTS).findOne({ _id: name });
    return doc ? { name, position: Number(doc.position), updatedAt: doc.updatedAt } : undefined;
  }

  async saveCheckpoint(_conn: Conn, name: string, position: number, expected: number | undefined): Promise<boolean> {
    const c = this.db.collection<{ _id: string; position: number; updatedAt: string }>(CHECKPOINTS);
    const updatedAt = new Date().toISOString();
    if (expected === undefined) {
      try {
        await c.insertOne({ _id: name, position, updatedAt });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    return this.locks.with([`${CHECKPOINTS}:${name}`], async () => (await c.updateOne({ _id: name, position: expected }, { $set: { position, updatedAt } })).matchedCount === 1);
  }

  async deleteCheckpoint(_conn: Conn, name: string): Promise<void> {
    await this.db.collection<{ _id: string }>(CHECKPOINTS).deleteOne({ _id: name });
  }

  private async drop(name: string): Promise<void> {
    try {
      await this.db.collection(name).drop();
    } catch (error) {
      if ((error as { codeName?: string; code?: number }).code !== 26) throw error; // NamespaceNotFound
    }
  }

  /**
   * A rebuild fills generation N+1 (`<name>__v<N+1>`) next to the live generation; the previous
   * generation, kept for readers whose cache had not moved yet, is dropped now.
   */
  async prepareRebuild(collections: readonly Collection[]): Promise<void> {
    const pointers = this.db.collection<Pointer>(POINTERS);
    for (const collection of collections) {
      const pointer = await this.pointer(collection.name, true);
      if (pointer.previousGeneration !== undefined) await this.drop(physicalName(collection.name, pointer.previousGeneration));
      const generation = pointer.rebuildGeneration ?? pointer.generation + 1;
      await this.drop(physicalName(collection.name, generation));
      await this.createIndexes(collection, this.db.collection<DataDoc>(physicalName(collection.name, generation)));
      await pointers.updateOne(
        { _id: collection.name },
        { $set: { rebuildGeneration: generation }, $setOnInsert: { generation: pointer.generation }, $unset: { previousGeneration: '' } },
        { upsert: true },
      );
      this.pointers.delete(collection.name);
    }
  }

  /**
   * Moves the pointers (one bulk write) and then runs `inSwitch` (the checkpoint). Not one transaction:
   * if the process dies in between, the live runner resumes from the older checkpoint on the new
   * collections and the version guard absorbs the replayed events.
   */
  async switchToRebuilt(collections: readonly Collection[], inSwitch: (conn: Conn) => Promise<void>): Promise<void> {
    const operations: AnyBulkWriteOperation<Pointer>[] = [];
    for (const collection of collections) {
      const pointer = await this.pointer(collection.name, true);
      if (pointer.rebuildGeneration === undefined) throw new ReadModelStateError(`no rebuild of '${collection.name}' is prepared`);
      operations.push({
        updateOne: {
          filter: { _id: collection.name, rebuildGeneration: pointer.rebuildGeneration },
          update: { $set: { generation: pointer.rebuildGeneration, previousGeneration: pointer.generation }, $unset: { rebuildGeneration: '' } },
        },
      });
    }
    const result = await this.db.collection<Pointer>(POINTERS).bulkWrite(operations, { ordered: true });
    for (const collection of collections) this.pointers.delete(collection.name);
    if (result.matchedCount !== operations.length) throw new ReadModelStateError('a rebuild switched concurrently in another process');
    await inSwitch(null);
  }

  async discardRebuild(collections: readonly Collection[]): Promise<void> {
    for (const collection of collections) {
      const pointer = await this.pointer(collection.name, true);
      if (pointer.rebuildGeneration === undefined) continue;
      await this.drop(physicalName(collection.name, pointer.rebuildGeneration));
      await this.db.collection<Pointer>(POINTERS).updateOne({ _id: collection.name }, { $unset: { rebuildGeneration: '' } });
      this.pointers.delete(collection.name);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

/**
 * DocumentStore on MongoDB (official driver), `w: 'majority'` by default. Same semantics as the
 * PostgreSQL adapter except that sessions are not transactions (see `DocumentSession.transactional`).
 * Uses only operations FerretDB v1 supports (replaceOne/insertOne/updateOne/deleteOne with filters,
 * bulkWrite, find with sort/limit, countDocuments, createIndex, drop), verified by the conformance suite.
 */
export class MongoDocumentStore extends DocumentStoreCore<Conn> {
  private constructor(private readonly mongo: MongoBackend) {
    super(mongo);
  }

  get db(): Db {
    return this.mongo.db;
  }

  static async connect(options: MongoDocumentStoreOptions): Promise<MongoDocumentStore> {
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(options.database)) throw new ReadModelStateError(`database name '${options.database}' is not allowed`);
    if (!options.client && !options.uri) throw new ReadModelStateError('give a client or a uri');
    const client = options.client ?? new MongoClient(options.uri!, { serverSelectionTimeoutMS: 10_000 });
    if (!options.client) await client.connect();
    const db = client.db(options.database, { writeConcern: options.writeConcern ?? { w: 'majority' } });
    return new MongoDocumentStore(new MongoBackend(client, db, !options.client, options.generationCacheMs ?? 1000));
  }
}

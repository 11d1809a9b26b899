import { UniqueConstraintError } from '../../errors';
import type { Backend, DocumentRef, StoredDocument } from '../../internal/backend';
import { refKey } from '../../internal/backend';
import type { CompiledFind, Predicate } from '../../internal/query';
import { compareNullable, compareScalars, compareStrings, getPath } from '../../internal/query';
import { DocumentStoreCore } from '../../internal/store-core';
import type { Checkpoint, Collection, DeleteOptions, DocumentStore, Scalar, Target, UpsertOptions } from '../../types';

type Table = Map<string, StoredDocument>;
type Conn = { undo: (() => void)[] | undefined };

function valueOf(doc: StoredDocument, field: string): Scalar | null {
  const value = field === 'id' ? doc.id : getPath(doc, field);
  return value === undefined ? null : (value as Scalar | null);
}

export function matches(doc: StoredDocument, predicates: readonly Predicate[]): boolean {
  return predicates.every((p) => {
    const v = valueOf(doc, p.field);
    switch (p.op) {
      case 'null':
        return v === null;
      case 'eq':
        return v !== null && compareScalars(v, p.value) === 0;
      case 'in':
        return v !== null && p.values.some((x) => compareScalars(v, x) === 0);
      case 'prefix':
        return typeof v === 'string' && v.startsWith(p.value);
      case 'gt':
        return v !== null && compareScalars(v, p.value) > 0;
      case 'gte':
        return v !== null && compareScalars(v, p.value) >= 0;
      case 'lt':
        return v !== null && compareScalars(v, p.value) < 0;
      case 'lte':
        return v !== null && compareScalars(v, p.value) <= 0;
    }
  });
}

/** In-memory Backend for unit tests: same semantics as the real adapters, transactions by undo log. */
class MemoryBackend implements Backend<Conn> {
  readonly kind = 'memory' as const;
  readonly transactional = true;
  private readonly tables: Record<Target, Map<string, Table>> = { live: new Map(), rebuild: new Map() };
  private readonly checkpoints = new Map<string, Checkpoint>();
  private readonly queues: Record<Target, Promise<unknown>> = { live: Promise.resolve(), rebuild: Promise.resolve() };

  async run<T>(transaction: boolean, fn: (conn: Conn) => Promise<T>, target: Target = 'live'): Promise<T> {
    if (!transaction) return fn({ undo: undefined });
    // Transactions on one copy run one at a time: the nearest thing to isolation an in-memory store
    // needs. A rebuild's transactions run beside the live ones, as they do in a real database.
    const run = this.queues[target].then(async () => {
      const conn: Conn = { undo: [] };
      try {
        return await fn(conn);
      } catch (error) {
        for (const undo of conn.undo!.reverse()) undo();
        throw error;
      }
    });
    this.queues[target] = run.catch(() => undefined);
    return run;
  }

  async ensure(collection: Collection): Promise<void> {
    if (!this.tables.live.has(collection.name)) this.tables.live.set(collection.name, new Map());
  }

  private table(target: Target, collection: Collection): Table {
    let table = this.tables[target].get(collection.name);
    if (!table) this.tables[target].set(collection.name, (table = new Map()));
    return table;
  }

  private write(conn: Conn, table: Table, key: string, doc: StoredDocument | undefined): void {
    const previous = table.get(key);
    conn.undo?.push(() => (previous ? table.set(key, previous) : table.delete(key)));
    if (doc) table.set(key, doc);
    else table.delete(key);
  }

  private checkUnique(collection: Collection, table: Table, doc: StoredDocument): void {
    for (const index of collection.indexes) {
      if (!index.unique) continue;
      for (const other of table.values()) {
        if (other.tenantId !== doc.tenantId || other.id === doc.id) continue;
        if (index.fields.every((f) => compareNullable(valueOf(other, f), valueOf(doc, f)) === 0)) {
          throw new UniqueConstraintError(collection.name, index.fields);
        }
      }
    }
  }

  async getMany(_conn: Conn, target: Target, collection: Collection, refs: readonly DocumentRef[]): Promise<StoredDocument[]> {
    const table = this.table(target, collection);
    return refs.flatMap((ref) => {
      const doc = table.get(refKey(ref.tenantId, ref.id));
      return doc ? [structuredClone(doc)] : [];
    });
  }

  async upsertOne(conn: Conn, target: Target, collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean> {
    const table = this.table(target, collection);
    const key = refKey(doc.tenantId, doc.id);
    const stored = table.get(key);
    if (stored && stored.version >= doc.version) return false;
    if (options.ifVersion === 'absent' && stored) return false;
    if (typeof options.ifVersion === 'number' && stored?.version !== options.ifVersion) return false;
    this.checkUnique(collection, table, doc);
    this.write(conn, table, key, structuredClone(doc));
    return true;
  }

  async upsertMany(conn: Conn, target: Target, collection: Collection, docs: readonly StoredDocument[]): Promise<number> {
    let written = 0;
    for (const doc of docs) if (await this.upsertOne(conn, target, collection, doc, {})) written++;
    return written;
  }

  async deleteOne(conn: Conn, target: Target, collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean> {
    const table = this.table(target, collection);
    const key = refKey(ref.tenantId, ref.id);
    const stored = table.get(key);
    if (!stored) return false;
    if (options.ifVersion !== undefined && stored.version !== options.ifVersion) return false;
    if (options.beforeVersion !== undefined && stored.version >= options.beforeVersion) return false;
    this.write(conn, table, key, undefined);
    return true;
  }

  async deleteMany(conn: Conn, target: Target, collection: Collection, items: readonly (DocumentRef & { version: number })[]): Promise<number> {
    let deleted = 0;
    for (const item of items) if (await this.deleteOne(conn, target, collection, item, { ifVersion: item.version })) deleted++;
    return deleted;
  }

  async find(_conn: Conn, target: Target, collection: Collection, query: CompiledFind): Promise<StoredDocument[]> {
    const { field, direction } = query.sort;
    const sign = direction === 'asc' ? 1 : -1;
    const compare = (a: StoredDocument, b: StoredDocument) =>
      sign * (compareNullable(valueOf(a, field), valueOf(b, field)) || compareStrings(a.id, b.id));
    const after = query.after;
    const rows = [...this.table(target, collection).values()].filter((doc) => {
      if (doc.tenantId !== query.tenantId || !matches(doc, query.predicates)) return false;
      if (!after) return true;
      return sign * (compareNullable(valueOf(doc, field), after.value) || compareStrings(doc.id, after.id)) > 0;
    });
    return rows.sort(compare).slice(0, query.fetch).map((doc) => structuredClone(doc));
  }

  async count(_conn: Conn, target: Target, collection: Collection, tenantId: string, predicates: readonly Predicate[]): Promise<number> {
    let n = 0;
    for (const doc of this.table(target, collection).values()) if (doc.tenantId === tenantId && matches(doc, predicates)) n++;
    return n;
  }

  async loadCheckpoint(name: string): Promise<Checkpoint | undefined> {
    const checkpoint = this.checkpoints.get(name);
    return checkpoint ? { ...checkpoint } : undefined;
  }

  async saveCheckpoint(conn: Conn, name: string, position: number, expected: number | undefined): Promise<boolean> {
    const previous = this.checkpoints.get(name);
    if (previous?.position !== expected) return false;
    conn.undo?.push(() => (previous ? this.checkpoints.set(name, previous) : this.checkpoints.delete(name)));
    this.checkpoints.set(name, { name, position, updatedAt: new Date().toISOString() });
    return true;
  }

  async deleteCheckpoint(conn: Conn, name: string): Promise<void> {
    const previous = this.checkpoints.get(name);
    if (!previous) return;
    conn.undo?.push(() => this.checkpoints.set(name, previous));
    this.checkpoints.delete(name);
  }

  async prepareRebuild(collections: readonly Collection[]): Promise<void> {
    for (const c of collections) this.tables.rebuild.set(c.name, new Map());
  }

  async switchToRebuilt(collections: readonly Collection[], inSwitch: (conn: Conn) => Promise<void>): Promise<void> {
    await this.run(true, async (conn) => {
      for (const c of collections) {
        const previous = this.tables.live.get(c.name);
        const rebuilt = this.tables.rebuild.get(c.name) ?? new Map<string, StoredDocument>();
        this.tables.live.set(c.name, rebuilt);
        this.tables.rebuild.delete(c.name);
        conn.undo!.push(() => {
          this.tables.rebuild.set(c.name, rebuilt);
          if (previous) this.tables.live.set(c.name, previous);
          else this.tables.live.delete(c.name);
        });
      }
      await inSwitch(conn);
    });
  }

  async discardRebuild(collections: readonly Collection[]): Promise<void> {
    for (const c of collections) this.tables.rebuild.delete(c.name);
  }

  async close(): Promise<void> {}
}

/** An in-memory DocumentStore (unit tests, examples). Same semantics as the PostgreSQL and MongoDB adapters. */
export function createMemoryDocumentStore(): DocumentStore {
  return new DocumentStoreCore(new MemoryBackend());
}

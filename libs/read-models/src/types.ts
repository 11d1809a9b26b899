/**
 * The DocumentStore port. Every adapter (PostgreSQL, MongoDB, in-memory) implements it and passes the
 * same conformance suite (`conformance/document-store.conformance.ts`).
 *
 * Every document belongs to one tenant and every read or write is scoped to one: the only way to reach
 * documents is `forTenant(tenantId)`, so no query can forget the tenant.
 */

/** What every stored document carries. */
export type BaseDocument = {
  /** Unique within the tenant and collection. */
  id: string;
  /** The chain that owns the document. Every query in Hearth is scoped by it. */
  tenantId: string;
  /**
   * Monotonic version of the document: the global position (or stream version) of the last event
   * applied to it. A write only lands when the stored version is lower, so a replayed or late event
   * never overwrites newer state. A non-negative safe integer.
   */
  version: number;
};

/** Type of a declared (indexed, queryable) field. Values must have this type, or be null/absent. */
export type FieldType = 'string' | 'number' | 'boolean';

/** A declared index: a compound index on `fields` (each declared in `fields` of the collection), within the tenant. */
export type IndexDefinition = {
  readonly fields: readonly string[];
  /** Unique within the tenant; every field of a unique index is then required (non-null) in every document. */
  readonly unique?: boolean;
};

/** A collection definition, made with `defineCollection()`. `D` is the document type. */
export type Collection<D extends BaseDocument = BaseDocument> = {
  /** Lower-case identifier, at most 40 characters, no `__` (reserved for rebuild generations). */
  readonly name: string;
  /** Declared fields and their types: the only fields filters and sorts may use (plus `id`). */
  readonly fields: Readonly<Record<string, FieldType>>;
  readonly indexes: readonly IndexDefinition[];
  /** Phantom: ties the definition to its document type. Never set. */
  readonly __document?: D;
};

/** The document type of a collection definition. */
export type DocumentOf<C> = C extends Collection<infer D> ? D : never;

export type Scalar = string | number | boolean;

/**
 * A condition on one declared field: a value (equality; `null` matches null or absent), or operators
 * combined with AND: `$eq`, `$in` (non-empty, no nulls), range `$gt/$gte/$lt/$lte`, `$prefix` (strings).
 * Strings compare by Unicode code point (byte order of UTF-8), like MongoDB and PostgreSQL's "C" collation.
 */
export type Condition =
  | Scalar
  | null
  | {
      $eq?: Scalar | null;
      $in?: readonly Scalar[];
      $gt?: Scalar;
      $gte?: Scalar;
      $lt?: Scalar;
      $lte?: Scalar;
      $prefix?: string;
    };

/** Conditions on declared fields (or `id`), combined with AND. */
export type Filter = Readonly<Record<string, Condition>>;

export type SortDirection = 'asc' | 'desc';

/**
 * One sort field (declared, or `id`); ties are broken by `id` in the same direction. Nulls (and absent
 * values) come first ascending and last descending, as in MongoDB.
 */
export type Sort = { readonly field: string; readonly direction?: SortDirection };

export type FindOptions = {
  /** Defaults to `id` ascending. */
  sort?: Sort;
  /** Page size, 1…1000; default 50. */
  limit?: number;
  /** `nextCursor` of the previous page of the same query (same filter and sort). */
  cursor?: string;
};

export type Page<D> = {
  items: D[];
  /**
   * Opaque keyset cursor (sort value + id of the last item) for the next page; absent on the last page.
   * Stable under concurrent inserts: a page never repeats or skips a document that existed throughout.
   */
  nextCursor?: string;
};

export type UpsertOptions = {
  /**
   * Compare-and-set on top of the version guard: the stored document must be at exactly this version
   * (`'absent'`: must not exist). For read-modify-write by writers that may race each other.
   */
  ifVersion?: number | 'absent';
};

export type UpsertResult = {
  /** False when the stored document was at the same or a newer version (or `ifVersion` did not match). */
  applied: boolean;
};

export type DeleteOptions = {
  /** Delete only when the stored version equals this. */
  ifVersion?: number;
  /** Delete only when the stored version is lower (a projection deleting on the event at this position). */
  beforeVersion?: number;
};

export type DeleteResult = { deleted: boolean };

/** Every operation of the store, scoped to one tenant. */
export interface TenantDocuments {
  readonly tenantId: string;
  get<D extends BaseDocument>(collection: Collection<D>, id: string): Promise<D | undefined>;
  /**
   * Inserts or replaces the whole document, when the stored version is lower than `doc.version` (or
   * there is none). `doc.tenantId` must be this handle's tenant.
   */
  upsert<D extends BaseDocument>(collection: Collection<D>, doc: D, options?: UpsertOptions): Promise<UpsertResult>;
  delete<D extends BaseDocument>(collection: Collection<D>, id: string, options?: DeleteOptions): Promise<DeleteResult>;
  /** Filtered, sorted, keyset-paginated read on declared fields only. */
  find<D extends BaseDocument>(collection: Collection<D>, filter?: Filter, options?: FindOptions): Promise<Page<D>>;
  count<D extends BaseDocument>(collection: Collection<D>, filter?: Filter): Promise<number>;
}

/**
 * Which copy of the collections a session works on: the live one, or the one a rebuild is filling
 * (see `DocumentStore.prepareRebuild`).
 */
export type Target = 'live' | 'rebuild';

export type DocumentKey = { collection: Collection; tenantId: string; id: string };

/** A unit of work: what a projection's `project(event, session)` receives. */
export interface DocumentSession {
  forTenant(tenantId: string): TenantDocuments;
  /**
   * True when the session's writes (and a checkpoint saved through it) commit atomically (PostgreSQL,
   * memory). False for MongoDB: writes apply one by one, and replays rely on the version guard.
   */
  readonly transactional: boolean;
  readonly target: Target;
  /** Loads these documents in one round trip per collection (write-behind sessions; a no-op otherwise). */
  preload(keys: readonly DocumentKey[]): Promise<void>;
  /** Writes buffered changes now (write-behind sessions flush by themselves before find/count and at the end). */
  flush(): Promise<void>;
}

export type SessionOptions = {
  /**
   * Buffer upserts and deletes and write them in bulk (before any find/count, and at the end). Reads see
   * the session's own writes. A unique violation then surfaces at the flush, not at `upsert()`.
   * Default false.
   */
  writeBehind?: boolean;
  /** Default `'live'`. */
  target?: Target;
};

export type Checkpoint = { name: string; position: number; updatedAt: string };

/** Where projection runners keep their positions. The store's own (`store.checkpoints`) can join its sessions. */
export interface CheckpointStore {
  load(name: string): Promise<Checkpoint | undefined>;
  /**
   * Compare-and-set: moves the checkpoint from `expected` (`undefined`: none yet) to `position`, or throws
   * `CheckpointConflictError`. With `session` of the same store, the write is part of its transaction.
   */
  save(name: string, position: number, options: { expected: number | undefined; session?: DocumentSession }): Promise<void>;
  delete(name: string, options?: { session?: DocumentSession }): Promise<void>;
}

export interface DocumentStore {
  readonly kind: 'postgres' | 'mongodb' | 'memory';
  /** Operations scoped to one tenant, each committed on its own. */
  forTenant(tenantId: string): TenantDocuments;
  /**
   * Runs `fn` in a session and commits at the end (rolls back when it throws, where the store is
   * transactional). Write-behind sessions flush before committing.
   */
  transaction<T>(fn: (session: DocumentSession) => Promise<T>, options?: SessionOptions): Promise<T>;
  /** Creates tables/collections and declared indexes if missing (idempotent; done lazily on first use too). */
  ensureCollections(collections: readonly Collection[]): Promise<void>;
  /** Checkpoints kept next to the documents (and in their transactions where the store allows). */
  readonly checkpoints: CheckpointStore;
  /** Creates fresh, empty rebuild copies of these collections (dropping a leftover one), with their indexes. */
  prepareRebuild(collections: readonly Collection[]): Promise<void>;
  /**
   * Makes the rebuild copies live and runs `inSwitch` (e.g. moving the checkpoint) in the same
   * transaction where the store allows. Readers see either the old or the new collections.
   */
  switchToRebuilt(collections: readonly Collection[], inSwitch: (session: DocumentSession) => Promise<void>): Promise<void>;
  /** Drops the rebuild copies (an abandoned rebuild). */
  discardRebuild(collections: readonly Collection[]): Promise<void>;
  /** Releases connections (only those the store opened itself). */
  close(): Promise<void>;
}

import type { After, CompiledFind, Predicate } from './query';
import type { BaseDocument, Checkpoint, Collection, DeleteOptions, DocumentStore, Target, UpsertOptions } from '../types';

/** A document as adapters store and return it. */
export type StoredDocument = BaseDocument & Record<string, unknown>;

export type DocumentRef = { tenantId: string; id: string };

/**
 * What an adapter implements; `DocumentStoreCore` builds the public port (tenant scoping, validation,
 * sessions, write-behind, checkpoints) on top of it, so every adapter shares those semantics.
 * `C` is the adapter's connection/transaction handle.
 */
export interface Backend<C> {
  readonly kind: DocumentStore['kind'];
  /** Whether `run(true, …)` is atomic. */
  readonly transactional: boolean;
  /**
   * Runs `fn` on one connection, inside a transaction when `transaction` is true and supported.
   * `target` says which copy the transaction works on (the in-memory store serialises per copy).
   */
  run<T>(transaction: boolean, fn: (conn: C) => Promise<T>, target?: Target): Promise<T>;
  /** Creates the live table/collection and its indexes when missing. Idempotent and safe to race. */
  ensure(collection: Collection): Promise<void>;
  getMany(conn: C, target: Target, collection: Collection, refs: readonly DocumentRef[]): Promise<StoredDocument[]>;
  /** The single, immediate version-guarded (and optionally compare-and-set) upsert. */
  upsertOne(conn: C, target: Target, collection: Collection, doc: StoredDocument, options: UpsertOptions): Promise<boolean>;
  /**
   * Bulk upsert of distinct documents, each guarded by `stored.version < doc.version`.
   * Returns how many were written.
   */
  upsertMany(conn: C, target: Target, collection: Collection, docs: readonly StoredDocument[]): Promise<number>;
  deleteOne(conn: C, target: Target, collection: Collection, ref: DocumentRef, options: DeleteOptions): Promise<boolean>;
  /** Bulk delete of distinct documents, each only when still at `version`. Returns how many were deleted. */
  deleteMany(conn: C, target: Target, collection: Collection, items: readonly (DocumentRef & { version: number })[]): Promise<number>;
  find(conn: C, target: Target, collection: Collection, query: CompiledFind): Promise<StoredDocument[]>;
  count(conn: C, target: Target, collection: Collection, tenantId: string, predicates: readonly Predicate[]): Promise<number>;
  loadCheckpoint(name: string): Promise<Checkpoint | undefined>;
  /** Compare-and-set; false when the stored position is not `expected`. */
  saveCheckpoint(conn: C, name: string, position: number, expected: number | undefined): Promise<boolean>;
  deleteCheckpoint(conn: C, name: string): Promise<void>;
  prepareRebuild(collections: readonly Collection[]): Promise<void>;
  switchToRebuilt(collections: readonly Collection[], inSwitch: (conn: C) => Promise<void>): Promise<void>;
  discardRebuild(collections: readonly Collection[]): Promise<void>;
  close(): Promise<void>;
}

export type { After };

export function refKey(tenantId: string, id: string): string {
  return `${tenantId}\u0000${id}`;
}

/** Typed errors of the read-model store. Each carries a stable `code` (SCREAMING_SNAKE) for problem+json mapping. */
export abstract class ReadModelError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A collection definition is malformed (name, fields, indexes). A programming error, raised at definition time. */
export class InvalidCollectionError extends ReadModelError {
  readonly code = 'INVALID_COLLECTION';
  constructor(readonly collection: string, readonly reason: string) {
    super(`Invalid collection '${collection}': ${reason}`);
  }
}

/** A document cannot be stored: missing id/tenantId/version, a value that is not plain JSON, a declared field of the wrong type. */
export class InvalidDocumentError extends ReadModelError {
  readonly code = 'INVALID_DOCUMENT';
  constructor(readonly collection: string, readonly path: string, readonly reason: string) {
    super(`Invalid document for '${collection}' at '${path}': ${reason}`);
  }
}

/** A filter or sort names a field that no declared index covers: queries run on indexes only. */
export class FieldNotQueryableError extends ReadModelError {
  readonly code = 'FIELD_NOT_INDEXED';
  constructor(readonly collection: string, readonly field: string, readonly queryable: readonly string[]) {
    super(`Field '${field}' of '${collection}' is not covered by a declared index (queryable: ${queryable.join(', ')})`);
  }
}

/** A filter, sort or limit is malformed (unknown operator, value of the wrong type, limit out of range). */
export class InvalidQueryError extends ReadModelError {
  readonly code = 'INVALID_QUERY';
  constructor(readonly collection: string, readonly reason: string) {
    super(`Invalid query on '${collection}': ${reason}`);
  }
}

/** A pagination cursor is not one this store issued, or was issued for another query. */
export class InvalidCursorError extends ReadModelError {
  readonly code = 'INVALID_CURSOR';
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`Invalid cursor: ${reason}`, options);
  }
}

/** A write would give two documents of one tenant the same values for a unique index. */
export class UniqueConstraintError extends ReadModelError {
  readonly code = 'UNIQUE_VIOLATION';
  constructor(
    readonly collection: string,
    /** The unique index's fields, when the server says which index it was (MongoDB-compatible servers may not). */
    readonly fields: readonly string[] | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Unique index ${fields ? `(${fields.join(', ')}) ` : ''}of '${collection}' violated`, options);
  }
}

/** A tenant-scoped handle was given a document of another tenant. */
export class TenantMismatchError extends ReadModelError {
  readonly code = 'TENANT_MISMATCH';
  constructor(readonly expected: string, readonly actual: unknown) {
    super(`Document belongs to tenant ${JSON.stringify(actual)}, but this handle is scoped to '${expected}'`);
  }
}

/** A checkpoint was not at the expected position: another runner instance moved it first. */
export class CheckpointConflictError extends ReadModelError {
  readonly code = 'CHECKPOINT_CONFLICT';
  constructor(readonly checkpoint: string, readonly expected: number | undefined) {
    super(`Checkpoint '${checkpoint}' is no longer at ${expected === undefined ? '(none)' : String(expected)}: another instance advanced it`);
  }
}

/**
 * A buffered write (write-behind session) found the stored document changed by a writer outside the
 * session since it was read. The session's transaction is rolled back; running it again is safe.
 */
export class ConcurrentWriteError extends ReadModelError {
  readonly code = 'CONCURRENT_WRITE';
  constructor(readonly collection: string, readonly detail: string) {
    super(`Concurrent write on '${collection}': ${detail}`);
  }
}

/** An operation the adapter or its current state does not allow (closed store, rebuild already running, no rebuildable source…). */
export class ReadModelStateError extends ReadModelError {
  readonly code = 'READ_MODEL_STATE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

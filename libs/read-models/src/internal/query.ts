import { createHash } from 'node:crypto';
import { queryableFields, queryableType } from '../collection';
import { FieldNotQueryableError, InvalidCursorError, InvalidDocumentError, InvalidQueryError, TenantMismatchError } from '../errors';
import type { BaseDocument, Collection, FieldType, Filter, FindOptions, Scalar, SortDirection } from '../types';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
const MAX_ID_LENGTH = 512;
const MAX_DEPTH = 64;

/** One normalized condition on one field; conditions of a query are combined with AND. */
export type Predicate =
  | { field: string; type: FieldType; op: 'eq'; value: Scalar }
  | { field: string; type: FieldType; op: 'null' }
  | { field: string; type: FieldType; op: 'in'; values: Scalar[] }
  | { field: string; type: FieldType; op: 'gt' | 'gte' | 'lt' | 'lte'; value: Scalar }
  | { field: string; type: 'string'; op: 'prefix'; value: string };

export type SortKey = { field: string; type: FieldType; direction: SortDirection };

/** Where the previous page ended: items strictly after (value, id) in sort order come next. */
export type After = { value: Scalar | null; id: string };

/** A validated find: adapters translate it to SQL, a MongoDB filter, or an in-memory scan. */
export type CompiledFind = {
  tenantId: string;
  predicates: Predicate[];
  sort: SortKey;
  /** Rows to fetch: the page size + 1, to know whether another page exists. */
  fetch: number;
  limit: number;
  after: After | undefined;
  queryHash: string;
};

const OPERATORS = new Set(['$eq', '$in', '$gt', '$gte', '$lt', '$lte', '$prefix']);

export function assertTenantId(tenantId: unknown): string {
  if (typeof tenantId !== 'string' || tenantId.length === 0 || tenantId.length > 200 || tenantId.includes('\u0000')) {
    throw new InvalidQueryError('(any)', `tenantId must be a non-empty string of at most 200 characters, got ${JSON.stringify(tenantId)}`);
  }
  return tenantId;
}

export function assertId(collection: Collection, id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || id.includes('\u0000')) {
    throw new InvalidQueryError(collection.name, `id must be a non-empty string of at most ${MAX_ID_LENGTH} characters without NUL`);
  }
  return id;
}

export function assertVersion(collection: Collection, name: string, version: unknown): number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new InvalidQueryError(collection.name, `${name} must be a non-negative safe integer, got ${JSON.stringify(version)}`);
  }
  return version;
}

/** Reads a dotted path; undefined when any step is missing or not a plain object. */
export function getPath(doc: unknown, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Checks a document before it is stored: identity fields, plain JSON only (what PostgreSQL jsonb and
 * BSON both round-trip identically), declared fields of their declared type, unique-index fields present.
 */
export function validateDocument<D extends BaseDocument>(collection: Collection, tenantId: string, doc: D): D {
  const name = collection.name;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidDocumentError(name, '', 'a document must be an object');
  if (doc.tenantId !== tenantId) throw new TenantMismatchError(tenantId, doc.tenantId);
  try {
    assertId(collection, doc.id);
  } catch {
    throw new InvalidDocumentError(name, 'id', `must be a non-empty string of at most ${MAX_ID_LENGTH} characters without NUL`);
  }
  if (typeof doc.version !== 'number' || !Number.isSafeInteger(doc.version) || doc.version < 0) {
    throw new InvalidDocumentError(name, 'version', 'must be a non-negative safe integer');
  }
  checkJson(name, doc, '', 0);
  if ('_id' in doc) throw new InvalidDocumentError(name, '_id', 'is reserved');
  for (const [field, type] of Object.entries(collection.fields)) {
    const segments = field.split('.');
    let value: unknown = doc;
    for (let i = 0; i < segments.length; i++) {
      if (value === undefined || value === null) break;
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new InvalidDocumentError(name, segments.slice(0, i).join('.'), `must be an object (declared field '${field}' lies below it)`);
      }
      value = (value as Record<string, unknown>)[segments[i]!];
    }
    if (value !== undefined && value !== null && typeof value !== type) {
      throw new InvalidDocumentError(name, field, `declared as ${type}, got ${Array.isArray(value) ? 'array' : typeof value}`);
    }
  }
  for (const index of collection.indexes) {
    if (!index.unique) continue;
    for (const field of index.fields) {
      const value = getPath(doc, field);
      if (value === undefined || value === null) throw new InvalidDocumentError(name, field, 'is part of a unique index and is required');
    }
  }
  return doc;
}

function checkJson(collection: string, value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidDocumentError(collection, path, `nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    // PostgreSQL jsonb cannot hold U+0000.
    if (value.includes('\u0000')) throw new InvalidDocumentError(collection, path, 'strings cannot contain U+0000');
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidDocumentError(collection, path, 'numbers must be finite');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new InvalidDocumentError(collection, `${path}[${i}]`, 'undefined is not JSON');
      checkJson(collection, item, `${path}[${i}]`, depth + 1);
    });
    return;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      // MongoDB-compatible servers disagree on `$`-prefixed and dotted keys; PostgreSQL on empty ones is fine but BSON is not uniform.
      if (key.length === 0 || key.startsWith('$') || key.includes('.') || key.includes('\u0000')) {
        throw new InvalidDocumentError(collection, at, 'keys must be non-empty and contain no "." or leading "$"');
      }
      if (item === undefined) continue; // dropped, as JSON.stringify does
      checkJson(collection, item, at, depth + 1);
    }
    return;
  }
  throw new InvalidDocumentError(collection, path, `${typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value} is not plain JSON`);
}

/**
 * A plain object of any realm: its prototype is a realm's root prototype (or null). Comparing with this
 * realm's `Object.prototype` alone would refuse documents read back from the memory store under Jest,
 * whose `structuredClone` builds them in the outer realm.
 */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** A copy without `undefined` properties: what every adapter stores and returns. */
export function normalizeDocument<D>(doc: D): D {
  return JSON.parse(JSON.stringify(doc)) as D;
}

function checkScalar(collection: Collection, field: string, type: FieldType, value: unknown, what: string): Scalar {
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value as number))) {
    throw new InvalidQueryError(collection.name, `${what} on '${field}' must be a ${type}, got ${JSON.stringify(value)}`);
  }
  if (type === 'string' && (value as string).includes('\u0000')) throw new InvalidQueryError(collection.name, `${what} on '${field}' contains U+0000`);
  return value as Scalar;
}

function fieldType(collection: Collection, field: string): FieldType {
  const type = queryableType(collection, field);
  if (!type) throw new FieldNotQueryableError(collection.name, field, queryableFields(collection));
  return type;
}

/** Validates a filter and turns it into predicates. */
export function compileFilter(collection: Collection, filter: Filter | undefined): Predicate[] {
  if (filter === undefined) return [];
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidQueryError(collection.name, 'a filter must be an object');
  const predicates: Predicate[] = [];
  for (const [field, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    const type = fieldType(collection, field);
    if (condition === null) {
      predicates.push({ field, type, op: 'null' });
      continue;
    }
    if (typeof condition !== 'object') {
      predicates.push({ field, type, op: 'eq', value: checkScalar(collection, field, type, condition, 'equality') });
      continue;
    }
    if (Array.isArray(condition)) throw new InvalidQueryError(collection.name, `use { $in: [...] } to match '${field}' against several values`);
    const entries = Object.entries(condition).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new InvalidQueryError(collection.name, `empty condition on '${field}'`);
    for (const [op, operand] of entries) {
      if (!OPERATORS.has(op)) throw new InvalidQueryError(collection.name, `unknown operator '${op}' on '${field}'`);
      if (op === '$eq') {
        if (operand === null) predicates.push({ field, type, op: 'null' });
        else predicates.push({ field, type, op: 'eq', value: checkScalar(collection, field, type, operand, '$eq') });
      } else if (op === '$in') {
        if (!Array.isArray(operand) || operand.length === 0 || operand.length > 1000) {
          throw new InvalidQueryError(collection.name, `$in on '${field}' needs 1 to 1000 values`);
        }
        predicates.push({ field, type, op: 'in', values: [...new Set(operand.map((v) => checkScalar(collection, field, type, v, '$in')))] });
      } else if (op === '$prefix') {
        if (type !== 'string') throw new InvalidQueryError(collection.name, `$prefix needs a string field, '${field}' is ${type}`);
        const value = checkScalar(collection, field, type, operand, '$prefix') as string;
        if (value.length === 0) throw new InvalidQueryError(collection.name, `$prefix on '${field}' must not be empty`);
        predicates.push({ field, type: 'string', op: 'prefix', value });
      } else {
        predicates.push({ field, type, op: op.slice(1) as 'gt' | 'gte' | 'lt' | 'lte', value: checkScalar(collection, field, type, operand, op) });
      }
    }
  }
  return predicates;
}

export function compileFind(collection: Collection, tenantId: string, filter: Filter | undefined, options: FindOptions = {}): CompiledFind {
  const predicates = compileFilter(collection, filter);
  const sortField = options.sort?.field ?? 'id';
  const direction = options.sort?.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') throw new InvalidQueryError(collection.name, `sort direction must be 'asc' or 'desc'`);
  const sort: SortKey = { field: sortField, type: fieldType(collection, sortField), direction };
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidQueryError(collection.name, `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const queryHash = hashQuery(collection, predicates, sort);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, queryHash, sort);
  return { tenantId, predicates, sort, limit, fetch: limit + 1, after, queryHash };
}

function hashQuery(collection: Collection, predicates: Predicate[], sort: SortKey): string {
  const canonical = JSON.stringify([collection.name, sort, [...predicates].map((p) => JSON.stringify(p)).sort()]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

/** The opaque cursor after `doc`: base64url JSON of the query hash, the sort value and the id. */
export function encodeCursor(query: CompiledFind, doc: BaseDocument): string {
  const raw = query.sort.field === 'id' ? doc.id : getPath(doc, query.sort.field);
  const value = raw === undefined ? null : (raw as Scalar | null);
  return Buffer.from(JSON.stringify({ q: query.queryHash, v: value, i: doc.id })).toString('base64url');
}

function decodeCursor(cursor: string, queryHash: string, sort: SortKey): After {
  let parsed: unknown;
  try {
    if (typeof cursor !== 'string' || cursor.length > 4096) throw new Error('not a short string');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError('not a cursor issued by this store', { cause: error });
  }
  const { q, v, i } = (parsed ?? {}) as { q?: unknown; v?: unknown; i?: unknown };
  if (typeof q !== 'string' || typeof i !== 'string') throw new InvalidCursorError('not a cursor issued by this store');
  if (q !== queryHash) throw new InvalidCursorError('the cursor belongs to another query (filter or sort changed)');
  if (v !== null && typeof v !== sort.type) throw new InvalidCursorError('the cursor does not fit this sort');
  return { value: v as Scalar | null, id: i };
}

/** Compares two strings by Unicode code point, i.e. UTF-8 byte order (MongoDB, PostgreSQL "C" collation). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–U+DFFF) encode code points above U+FFFF, which sort after every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Compares two non-null values of one declared type. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

/** Compares sort values with nulls first (ascending order). */
export function compareNullable(a: Scalar | null, b: Scalar | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareScalars(a, b);
}

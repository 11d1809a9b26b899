import { createHash } from 'node:crypto';
import { InvalidCollectionError } from './errors';
import type { BaseDocument, Collection, FieldType, IndexDefinition } from './types';

const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const FIELD_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_TYPES: readonly FieldType[] = ['string', 'number', 'boolean'];
/** Fields every document has; `id` is always queryable, the others are handled by the store itself. */
const RESERVED_FIELDS = new Set(['id', 'tenantId', 'version', '_id']);

export type CollectionSpec = {
  name: string;
  fields?: Record<string, FieldType>;
  indexes?: readonly IndexDefinition[];
};

/**
 * Declares a collection: its name, the fields queries may use (with their types) and the indexes that
 * cover them. Every declared field must be part of an index and every index field declared, so each
 * query an application can express is served by an index. Field names may be dotted paths into nested
 * objects (`address.city`).
 *
 *   const guestSummaries = defineCollection<GuestSummary>({
 *     name: 'guest_summary',
 *     fields: { email: 'string', lastVisitAt: 'string', visits: 'number' },
 *     indexes: [{ fields: ['email'], unique: true }, { fields: ['lastVisitAt'] }, { fields: ['visits'] }],
 *   });
 */
export function defineCollection<D extends BaseDocument>(spec: CollectionSpec): Collection<D> {
  const { name } = spec;
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name) || name.includes('__')) {
    throw new InvalidCollectionError(String(name), 'name must match /^[a-z][a-z0-9_]{0,39}$/ and not contain "__"');
  }
  const fields: Record<string, FieldType> = {};
  for (const [field, type] of Object.entries(spec.fields ?? {})) {
    if (RESERVED_FIELDS.has(field)) throw new InvalidCollectionError(name, `'${field}' is built in and cannot be declared`);
    if (!field.split('.').every((segment) => FIELD_SEGMENT.test(segment)) || field.length > 100) {
      throw new InvalidCollectionError(name, `field '${field}' must be a dotted path of identifiers`);
    }
    if (!FIELD_TYPES.includes(type)) throw new InvalidCollectionError(name, `field '${field}' has unknown type '${String(type)}'`);
    fields[field] = type;
  }
  const indexes: IndexDefinition[] = [];
  const seen = new Set<string>();
  const covered = new Set<string>();
  for (const index of spec.indexes ?? []) {
    if (!Array.isArray(index.fields) || index.fields.length === 0 || index.fields.length > 8) {
      throw new InvalidCollectionError(name, 'an index needs 1 to 8 fields');
    }
    if (new Set(index.fields).size !== index.fields.length) throw new InvalidCollectionError(name, 'an index lists a field twice');
    for (const field of index.fields) {
      if (!(field in fields)) throw new InvalidCollectionError(name, `index field '${field}' is not declared in fields`);
      covered.add(field);
    }
    const key = indexKey(index);
    if (seen.has(key)) throw new InvalidCollectionError(name, `index (${index.fields.join(', ')}) is declared twice`);
    seen.add(key);
    indexes.push(Object.freeze({ fields: Object.freeze([...index.fields]), unique: index.unique === true }));
  }
  for (const field of Object.keys(fields)) {
    if (!covered.has(field)) throw new InvalidCollectionError(name, `declared field '${field}' is not covered by any index`);
  }
  return Object.freeze({ name, fields: Object.freeze(fields), indexes: Object.freeze(indexes) });
}

function indexKey(index: IndexDefinition): string {
  return `${index.unique ? 'u' : 'i'}:${index.fields.join(',')}`;
}

/**
 * A short, stable name suffix for an index: changes when its fields, their types or uniqueness change,
 * so a changed index is created under a new name instead of silently keeping the old definition.
 */
export function indexSuffix(collection: Collection, index: IndexDefinition): string {
  const typed = index.fields.map((field) => `${field}:${collection.fields[field]}`).join(',');
  const hash = createHash('sha256').update(`${index.unique ? 'unique' : 'plain'}|${typed}`).digest('hex').slice(0, 8);
  return `${index.unique ? 'ux' : 'ix'}_${hash}`;
}

/** The type of a queryable field (`id` or a declared one), or undefined. */
export function queryableType(collection: Collection, field: string): FieldType | undefined {
  if (field === 'id') return 'string';
  return Object.prototype.hasOwnProperty.call(collection.fields, field) ? collection.fields[field] : undefined;
}

export function queryableFields(collection: Collection): string[] {
  return ['id', ...Object.keys(collection.fields)];
}

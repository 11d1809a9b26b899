import type { After, CompiledFind, Predicate, SortKey } from '../../internal/query';
import type { Scalar } from '../../types';

/** MongoDB filters for the port's predicates: only operators FerretDB v1 and MongoDB agree on. */

export type MongoFilter = Record<string, unknown>;

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function predicateFilter(p: Predicate): MongoFilter {
  switch (p.op) {
    case 'null':
      return { [p.field]: null }; // null or absent
    case 'eq':
      return { [p.field]: p.value };
    case 'in':
      return { [p.field]: { $in: p.values } };
    case 'prefix':
      return { [p.field]: { $regex: `^${escapeRegex(p.value)}` } };
    default:
      return { [p.field]: { [`$${p.op}`]: p.value } };
  }
}

function keysetFilter(sort: SortKey, after: After): MongoFilter {
  const f = sort.field;
  const next = sort.direction === 'asc' ? '$gt' : '$lt';
  if (f === 'id') return { id: { [next]: after.id } };
  if (sort.direction === 'asc') {
    if (after.value === null) return { $or: [{ [f]: null, id: { $gt: after.id } }, { [f]: { $ne: null } }] };
    return { $or: [{ [f]: { $gt: after.value as Scalar } }, { [f]: after.value, id: { $gt: after.id } }] };
  }
  if (after.value === null) return { [f]: null, id: { $lt: after.id } };
  return { $or: [{ [f]: { $lt: after.value as Scalar } }, { [f]: after.value, id: { $lt: after.id } }, { [f]: null }] };
}

export function whereFilter(tenantId: string, predicates: readonly Predicate[], after?: { sort: SortKey; after: After }): MongoFilter {
  const clauses: MongoFilter[] = predicates.map(predicateFilter);
  if (after) clauses.push(keysetFilter(after.sort, after.after));
  return clauses.length === 0 ? { tenantId } : { tenantId, $and: clauses };
}

export function findFilter(query: CompiledFind): { filter: MongoFilter; sort: Record<string, 1 | -1> } {
  const dir = query.sort.direction === 'asc' ? 1 : -1;
  const sort: Record<string, 1 | -1> = query.sort.field === 'id' ? { id: dir } : { [query.sort.field]: dir, id: dir };
  return { filter: whereFilter(query.tenantId, query.predicates, query.after ? { sort: query.sort, after: query.after } : undefined), sort };
}

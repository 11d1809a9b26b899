import { indexSuffix } from '../../collection';
import type { After, CompiledFind, Predicate, SortKey } from '../../internal/query';
import type { Collection, FieldType, Scalar, Target } from '../../types';

/**
 * SQL building for the PostgreSQL adapter. One table per collection: `(tenant_id, id, version, doc jsonb)`
 * with primary key (tenant_id, id); declared fields are read from `doc` by expressions that the declared
 * expression indexes repeat verbatim, so the planner matches them. Strings use the "C" collation
 * (code-point order, as MongoDB), and indexes put NULLs first, so one index serves ascending (NULLS
 * FIRST) and descending (NULLS LAST, scanned backward) keyset pages.
 */

const q = (identifier: string) => `"${identifier}"`;

/** Physical table name: the live copy has the collection's name; a rebuild fills `<name>__rebuild`. */
export function tableName(collection: Collection | string, target: Target): string {
  const name = typeof collection === 'string' ? collection : collection.name;
  return target === 'live' ? name : `${name}__rebuild`;
}

export function table(schema: string, collection: Collection, target: Target): string {
  return `${q(schema)}.${q(tableName(collection, target))}`;
}

/** The expression for a queryable field; `id` is a column, declared fields live in `doc`. */
export function fieldSql(field: string, type: FieldType): string {
  if (field === 'id') return 'id';
  const segments = field.split('.');
  const last = segments.pop()!;
  // Segments are validated identifiers (collection.ts), safe inside a string literal.
  const text = `doc${segments.map((s) => `->'${s}'`).join('')}->>'${last}'`;
  if (type === 'string') return `((${text}) COLLATE "C")`;
  if (type === 'number') return `((${text})::numeric)`;
  return `((${text})::boolean)`;
}

const CAST: Record<FieldType, string> = { string: 'text', number: 'numeric', boolean: 'boolean' };

export function createTableSql(schema: string, collection: Collection, target: Target): string[] {
  const name = tableName(collection, target);
  const t = `${q(schema)}.${q(name)}`;
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${t} (
       tenant_id text COLLATE "C" NOT NULL,
       id text COLLATE "C" NOT NULL,
       version bigint NOT NULL,
       doc jsonb NOT NULL,
       CONSTRAINT ${q(`${name}__pk`)} PRIMARY KEY (tenant_id, id)
     )`,
  ];
  for (const index of collection.indexes) {
    const columns = index.fields.map((f) => `${fieldSql(f, collection.fields[f]!)} NULLS FIRST`);
    const list = index.unique ? ['tenant_id', ...columns] : ['tenant_id', ...columns, 'id'];
    statements.push(
      `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${q(`${name}__${indexSuffix(collection, index)}`)} ON ${t} (${list.join(', ')})`,
    );
  }
  return statements;
}

/** Renames the rebuild copy's table, key and indexes to the live names (the live table is dropped first). */
export function promoteSql(schema: string, collection: Collection): string[] {
  const live = tableName(collection, 'live');
  const rebuild = tableName(collection, 'rebuild');
  return [
    `DROP TABLE IF EXISTS ${q(schema)}.${q(live)}`,
    `ALTER TABLE ${q(schema)}.${q(rebuild)} RENAME TO ${q(live)}`,
    `ALTER TABLE ${q(schema)}.${q(live)} RENAME CONSTRAINT ${q(`${rebuild}__pk`)} TO ${q(`${live}__pk`)}`,
    ...collection.indexes.map((index) => {
      const suffix = indexSuffix(collection, index);
      return `ALTER INDEX ${q(schema)}.${q(`${rebuild}__${suffix}`)} RENAME TO ${q(`${live}__${suffix}`)}`;
    }),
  ];
}

/** Index name → fields, to say which unique index a violation hit. */
export function uniqueIndexFields(collection: Collection, constraint: string | undefined): readonly string[] | undefined {
  if (!constraint) return undefined;
  for (const index of collection.indexes) {
    if (index.unique && constraint.endsWith(`__${indexSuffix(collection, index)}`)) return index.fields;
  }
  return undefined;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function predicateSql(p: Predicate, params: Params): string {
  const expr = fieldSql(p.field, p.type);
  const cast = CAST[p.type];
  switch (p.op) {
    case 'null':
      return `${expr} IS NULL`;
    case 'eq':
      return `${expr} = ${params.add(p.value, cast)}`;
    case 'in':
      return `${expr} = ANY(${params.add(p.values, `${cast}[]`)})`;
    case 'prefix':
      return `${expr} LIKE ${params.add(`${escapeLike(p.value)}%`, 'text')}`;
    case 'gt':
      return `${expr} > ${params.add(p.value, cast)}`;
    case 'gte':
      return `${expr} >= ${params.add(p.value, cast)}`;
    case 'lt':
      return `${expr} < ${params.add(p.value, cast)}`;
    case 'lte':
      return `${expr} <= ${params.add(p.value, cast)}`;
  }
}

/** Rows strictly after the cursor in (sort value NULLS FIRST, id) order, ascending or descending. */
function keysetSql(sort: SortKey, after: After, params: Params): string {
  const id = params.add(after.id, 'text');
  if (sort.field === 'id') return sort.direction === 'asc' ? `id > ${id}` : `id < ${id}`;
  const expr = fieldSql(sort.field, sort.type);
  if (sort.direction === 'asc') {
    if (after.value === null) return `((${expr} IS NULL AND id > ${id}) OR ${expr} IS NOT NULL)`;
    // A NULL sort value makes the row comparison NULL: those rows sort first, so they are rightly excluded.
    return `(${expr}, id) > (${params.add(after.value as Scalar, CAST[sort.type])}, ${id})`;
  }
  if (after.value === null) return `(${expr} IS NULL AND id < ${id})`;
  return `((${expr}, id) < (${params.add(after.value as Scalar, CAST[sort.type])}, ${id}) OR ${expr} IS NULL)`;
}

function whereSql(tenantId: string, predicates: readonly Predicate[], params: Params): string {
  return [`tenant_id = ${params.add(tenantId, 'text')}`, ...predicates.map((p) => predicateSql(p, params))].join(' AND ');
}

export function findSql(schema: string, collection: Collection, target: Target, query: CompiledFind): { text: string; values: unknown[] } {
  const params = new Params();
  let where = whereSql(query.tenantId, query.predicates, params);
  if (query.after) where += ` AND ${keysetSql(query.sort, query.after, params)}`;
  const { field, type, direction } = query.sort;
  const order =
    field === 'id'
      ? `id ${direction === 'asc' ? 'ASC' : 'DESC'}`
      : direction === 'asc'
        ? `${fieldSql(field, type)} ASC NULLS FIRST, id ASC`
        : `${fieldSql(field, type)} DESC NULLS LAST, id DESC`;
  return {
    text: `SELECT doc FROM ${table(schema, collection, target)} WHERE ${where} ORDER BY ${order} LIMIT ${query.fetch}`,
    values: params.values,
  };
}

export function countSql(schema: string, collection: Collection, target: Target, tenantId: string, predicates: readonly Predicate[]): { text: string; values: unknown[] } {
  const params = new Params();
  return {
    text: `SELECT count(*)::int AS n FROM ${table(schema, collection, target)} WHERE ${whereSql(tenantId, predicates, params)}`,
    values: params.values,
  };
}

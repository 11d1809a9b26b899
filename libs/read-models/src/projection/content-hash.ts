import { createHash } from 'node:crypto';
import type { BaseDocument, Collection, DocumentStore } from '../types';

/** JSON with object keys sorted: equal documents give equal text whatever order their keys were stored in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * SHA-256 over every document of `collection` for these tenants, in (tenant, id) order: two copies of
 * a projection (e.g. live-built and rebuilt from zero) are identical exactly when their hashes are.
 */
export async function contentHash<D extends BaseDocument>(store: DocumentStore, collection: Collection<D>, tenantIds: readonly string[]): Promise<{ hash: string; documents: number }> {
  const hash = createHash('sha256');
  let documents = 0;
  for (const tenantId of [...tenantIds].sort()) {
    const docs = store.forTenant(tenantId);
    let cursor: string | undefined;
    do {
      const page = await docs.find(collection, undefined, { limit: 1000, cursor });
      for (const doc of page.items) {
        hash.update(canonicalJson(doc)).update('\n');
        documents++;
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { hash: hash.digest('hex'), documents };
}

import type { TenantDirectory } from '@hearth/contracts';
import type { CustomerProfile } from './customer-profile.port';

/** A tenant's directory, read through a short cache. */
export interface TenantDirectoryCache {
  get(tenantId: string): Promise<TenantDirectory>;
}

/**
 * Caches `rpc.customer-profile.tenant-directory` per tenant for `ttlMs` (default 5 s): brand scoping
 * is checked on every read, and data-sharing changes are rare, so a few seconds of staleness buy one
 * request per tenant and interval instead of one per read. Concurrent misses share one request;
 * failures are not cached.
 */
export function createTenantDirectoryCache(profile: Pick<CustomerProfile, 'tenantDirectory'>, options: { ttlMs?: number; now?: () => number; maxTenants?: number } = {}): TenantDirectoryCache {
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const maxTenants = options.maxTenants ?? 10_000;
  const entries = new Map<string, { at: number; value: Promise<TenantDirectory> }>();
  return {
    get(tenantId) {
      const cached = entries.get(tenantId);
      if (cached && now() - cached.at < ttlMs) return cached.value;
      const value = profile.tenantDirectory(tenantId);
      if (entries.size >= maxTenants && !entries.has(tenantId)) entries.delete(entries.keys().next().value!);
      const entry = { at: now(), value };
      entries.set(tenantId, entry);
      value.catch(() => {
        if (entries.get(tenantId) === entry) entries.delete(tenantId);
      });
      return value;
    },
  };
}

import type { TenantDirectory } from '@hearth/contracts';
import type { CustomerProfile } from './customer-profile.port';

/** A tenant's directory, read through a short cache. */
export interface TenantDirectoryCache {
  get(tenantId: string): Promise<TenantDirectory>;
}

type Entry = {
  /** When the value was asked for. */
  at: number;
  value: Promise<TenantDirectory>;
  /** Set once `value` resolved: it may then be served while a newer one is on its way. */
  settled?: TenantDirectory;
  /** The request replacing this entry, while one runs. */
  refreshing?: Promise<TenantDirectory>;
};

/**
 * Caches `rpc.customer-profile.tenant-directory` per tenant for `ttlMs` (default 5 s): brand scoping
 * is checked on every read, and data-sharing changes are rare, so a few seconds of staleness buy one
 * request per tenant and interval instead of one per read. Concurrent misses share one request;
 * failures are not cached.
 *
 * When a directory is older than `ttlMs`, reads keep getting it while one request fetches the next
 * (stale-while-revalidate): a refresh every interval would otherwise hold up every read of the tenant
 * for a round trip to customer-profile (and for its timeout when it is slow). That staleness is
 * bounded: beyond `maxStaleMs` (default 30 s, e.g. customer-profile down) reads wait for a fresh
 * directory again, and fail when it cannot be had, so a revoked data-sharing agreement never outlives
 * `maxStaleMs`.
 */
export function createTenantDirectoryCache(
  profile: Pick<CustomerProfile, 'tenantDirectory'>,
  options: { ttlMs?: number; maxStaleMs?: number; now?: () => number; maxTenants?: number } = {},
): TenantDirectoryCache {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxStaleMs = Math.max(ttlMs, options.maxStaleMs ?? 30_000);
  const now = options.now ?? Date.now;
  const maxTenants = options.maxTenants ?? 10_000;
  const entries = new Map<string, Entry>();

  /** Asks customer-profile; the answer replaces the tenant's entry, a failure removes this request's entry only. */
  const fetch = (tenantId: string): Entry => {
    const entry: Entry = { at: now(), value: profile.tenantDirectory(tenantId) };
    entry.value.then(
      (directory) => (entry.settled = directory),
      () => {
        if (entries.get(tenantId) === entry) entries.delete(tenantId);
      },
    );
    return entry;
  };
  const store = (tenantId: string, entry: Entry): void => {
    if (entries.size >= maxTenants && !entries.has(tenantId)) entries.delete(entries.keys().next().value!);
    entries.set(tenantId, entry);
  };

  return {
    get(tenantId) {
      const cached = entries.get(tenantId);
      const age = cached ? now() - cached.at : Number.POSITIVE_INFINITY;
      if (cached && age < ttlMs) return cached.value;
      if (cached?.settled !== undefined && age < maxStaleMs) {
        // stale but usable: serve it, and let one request fetch the next
        if (!cached.refreshing) {
          const next = fetch(tenantId);
          cached.refreshing = next.value;
          next.value.then(
            () => entries.get(tenantId) === cached && store(tenantId, next),
            () => {
              if (entries.get(tenantId) === cached) delete cached.refreshing; // the next read tries again
            },
          );
        }
        return Promise.resolve(cached.settled);
      }
      const fresh = fetch(tenantId);
      store(tenantId, fresh);
      return fresh.value;
    },
  };
}

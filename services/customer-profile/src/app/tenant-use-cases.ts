import { aggregateStream, handleCommand } from '@hearth/event-store';
import { tenantDecider, type TenantCommand, type TenantState } from '../domain/tenant.decider';
import { metadataOf, tenantStream, type Caller, type ProfileContext } from './profile-context';

type LoadedTenant = { state: TenantState; version: number | undefined };

/**
 * The tenant's configuration, from a short-lived cache (see `ProfileContext.tenantCacheMs`). The cache
 * holds the read itself, so the requests that find the entry expired share one read of the tenant's
 * stream instead of each starting its own; a failed read is not kept.
 */
export function loadTenant(ctx: ProfileContext, tenantId: string, options: { fresh?: boolean } = {}): Promise<LoadedTenant> {
  const cached = ctx.tenantCache.get(tenantId);
  if (!options.fresh && cached && Date.now() - cached.at < ctx.tenantCacheMs) return cached.value as Promise<LoadedTenant>;
  const value = aggregateStream(ctx.store, tenantStream(tenantId), tenantDecider).then(({ state, streamVersion }): LoadedTenant => ({ state, version: streamVersion }));
  const entry = { at: Date.now(), value };
  ctx.tenantCache.set(tenantId, entry);
  value.catch(() => ctx.tenantCache.get(tenantId) === entry && ctx.tenantCache.delete(tenantId));
  return value;
}

/** Runs a tenant-configuration command (brands, properties, data sharing, attribute registry) for the caller's tenant. */
export async function configureTenant(ctx: ProfileContext, caller: Caller, command: TenantCommand, expectedVersion?: number) {
  const result = await handleCommand(ctx.store, tenantDecider, tenantStream(caller.tenantId), command, {
    metadata: metadataOf(ctx, caller),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  ctx.tenantCache.delete(caller.tenantId);
  return { state: result.state, version: result.streamVersion ?? -1, changed: result.events.length > 0 };
}

import { aggregateStream, handleCommand } from '@hearth/event-store';
import { tenantDecider, type TenantCommand, type TenantState } from '../domain/tenant.decider';
import { metadataOf, tenantStream, type Caller, type ProfileContext } from './profile-context';

type LoadedTenant = { state: TenantState; version: number | undefined };

/** The tenant's configuration, from a short-lived cache (see `ProfileContext.tenantCacheMs`). */
export async function loadTenant(ctx: ProfileContext, tenantId: string, options: { fresh?: boolean } = {}): Promise<LoadedTenant> {
  const cached = ctx.tenantCache.get(tenantId);
  if (!options.fresh && cached && Date.now() - cached.at < ctx.tenantCacheMs) return cached.value as LoadedTenant;
  const { state, streamVersion } = await aggregateStream(ctx.store, tenantStream(tenantId), tenantDecider);
  const loaded = { state, version: streamVersion };
  ctx.tenantCache.set(tenantId, { at: Date.now(), value: loaded });
  return loaded;
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

import { aggregateStream, handleCommand } from '@hearth/event-store';
import { tenantDecider, type TenantCommand, type TenantState } from '../domain/tenant.decider';
import { metadataOf, tenantStream, type Caller, type ProfileContext } from './profile-context';

export async function loadTenant(ctx: ProfileContext, tenantId: string): Promise<{ state: TenantState; version: number | undefined }> {
  const { state, streamVersion } = await aggregateStream(ctx.store, tenantStream(tenantId), tenantDecider);
  return { state, version: streamVersion };
}

/** Runs a tenant-configuration command (brands, properties, data sharing, attribute registry) for the caller's tenant. */
export async function configureTenant(ctx: ProfileContext, caller: Caller, command: TenantCommand, expectedVersion?: number) {
  const result = await handleCommand(ctx.store, tenantDecider, tenantStream(caller.tenantId), command, {
    metadata: metadataOf(ctx, caller),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  return { state: result.state, version: result.streamVersion ?? -1, changed: result.events.length > 0 };
}

import { aggregateStream, handleCommand } from '@hearth/event-store';
import { ticketSettingsDecider, ticketSettingsStream, type TicketSettingsState } from '../domain/settings.decider';
import type { TicketSettings } from '../domain/settings.policy';
import { metadataOf, type Caller, type TicketsContext } from './tickets-context';

/** What reading settings needs. */
export type SettingsContext = Pick<TicketsContext, 'rawStore' | 'settingsCache' | 'settingsCacheMs'>;

/** The settings state of a tenant and its stream version (undefined before the first save). */
export type LoadedSettings = { state: TicketSettingsState; version: number | undefined };

/** The tenant's settings as stored now (defaults before the first save), with the stream version (ETag). */
export async function readTicketSettings(ctx: Pick<TicketsContext, 'rawStore'>, tenantId: string): Promise<LoadedSettings> {
  const { state, streamVersion } = await aggregateStream(ctx.rawStore, ticketSettingsStream(tenantId), ticketSettingsDecider);
  return { state, version: streamVersion };
}

/**
 * The settings tickets are opened and escalated with, through a short per-tenant cache: they are read
 * on every open, reopen and SLA decision and change rarely. A failed read is not cached.
 */
export function ticketSettings(ctx: SettingsContext, tenantId: string): Promise<TicketSettings> {
  const cached = ctx.settingsCache.get(tenantId);
  if (cached && Date.now() - cached.at < ctx.settingsCacheMs) return cached.value.then((v) => v.settings);
  const value = readTicketSettings(ctx, tenantId).then(({ state, version }) => ({ settings: state.settings, version }));
  const entry = { at: Date.now(), value };
  if (ctx.settingsCache.size >= 10_000 && !ctx.settingsCache.has(tenantId)) ctx.settingsCache.delete(ctx.settingsCache.keys().next().value!);
  ctx.settingsCache.set(tenantId, entry);
  value.catch(() => ctx.settingsCache.get(tenantId) === entry && ctx.settingsCache.delete(tenantId));
  return value.then((v) => v.settings);
}

/**
 * Replaces the tenant's settings (validated as a whole by the decider). `expectedVersion` from If-Match
 * (412 on mismatch; `-1`/absent stream cannot be pinned, send no If-Match for the first save).
 */
export async function configureTicketSettings(ctx: TicketsContext, caller: Caller, settings: TicketSettings, expectedVersion?: number): Promise<LoadedSettings & { changed: boolean }> {
  const at = ctx.now().toISOString();
  const result = await handleCommand(ctx.rawStore, ticketSettingsDecider, ticketSettingsStream(caller.tenantId), { type: 'ConfigureTicketSettings', tenantId: caller.tenantId, settings, at, by: caller.by }, {
    metadata: metadataOf(caller, at),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  ctx.settingsCache.set(caller.tenantId, { at: Date.now(), value: Promise.resolve({ settings: result.state.settings, version: result.streamVersion }) });
  return { state: result.state, version: result.streamVersion, changed: result.events.length > 0 };
}

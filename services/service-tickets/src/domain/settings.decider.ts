import type { Decider, DomainEvent } from '@hearth/event-store';
import { DEFAULT_TICKET_SETTINGS, validateTicketSettings, type TicketSettings } from './settings.policy';

/**
 * A tenant's ticket settings as one event-sourced stream, `ticketSettings-<tenantId>`: each change
 * replaces the whole settings document (they are edited as one form, and a version per document makes
 * If-Match simple). A tenant without a stream uses `DEFAULT_TICKET_SETTINGS`.
 */

export const ticketSettingsStream = (tenantId: string): string => `ticketSettings-${tenantId}`;

export type TicketSettingsConfigured = DomainEvent<'TicketSettingsConfigured', { tenantId: string; settings: TicketSettings; at: string; by: string }>;
export type TicketSettingsEvent = TicketSettingsConfigured;

export type ConfigureTicketSettings = { type: 'ConfigureTicketSettings'; tenantId: string; settings: TicketSettings; at: string; by: string };
export type TicketSettingsCommand = ConfigureTicketSettings;

export type TicketSettingsState = {
  /** False until the tenant saved settings once (then `settings` are the defaults). */
  configured: boolean;
  tenantId?: string;
  settings: TicketSettings;
  updatedAt?: string;
  updatedBy?: string;
};

/** JSON with sorted keys: two settings documents are the same when this is. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function decide(command: TicketSettingsCommand, state: TicketSettingsState): TicketSettingsEvent[] {
  switch (command.type) {
    case 'ConfigureTicketSettings': {
      validateTicketSettings(command.settings);
      // saving what is already in force (defaults included) changes nothing
      if (canonical(command.settings) === canonical(state.settings)) return [];
      return [{ type: 'TicketSettingsConfigured', data: { tenantId: command.tenantId, settings: command.settings, at: command.at, by: command.by } }];
    }
  }
}

function evolve(state: TicketSettingsState, event: TicketSettingsEvent): TicketSettingsState {
  switch (event.type) {
    case 'TicketSettingsConfigured':
      return { configured: true, tenantId: event.data.tenantId, settings: event.data.settings, updatedAt: event.data.at, updatedBy: event.data.by };
    default:
      return state;
  }
}

/** The settings aggregate of one tenant. */
export const ticketSettingsDecider: Decider<TicketSettingsState, TicketSettingsCommand, TicketSettingsEvent> = {
  initialState: () => ({ configured: false, settings: DEFAULT_TICKET_SETTINGS }),
  decide,
  evolve,
};

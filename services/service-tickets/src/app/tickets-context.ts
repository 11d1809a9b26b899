import { randomUUID } from 'node:crypto';
import type { CustomerProfile, TenantDirectoryCache } from '@hearth/customer-profile-client';
import type { CommandMetadata, EventStore } from '@hearth/event-store';
import type { TicketSettings } from '../domain/settings.policy';

/** The event store with crypto-shredding (`erase` destroys a subject's data key). */
export type ErasableEventStore = EventStore & { erase(subjectId: string): Promise<void> };

/**
 * Run after a guest's ticket data was crypto-shredded, to purge other copies this service keeps outside
 * the event store (e.g. replayable idempotent responses that quote a ticket's subject).
 */
export type ErasureHook = (tenantId: string, guestId: string, ticketIds: readonly string[]) => Promise<unknown>;

/** What the use cases work with (the composition root passes real adapters, tests in-memory ones). */
export type TicketsContext = {
  /** The service's event store, personal fields encrypted (TICKET_PERSONAL_DATA). */
  store: ErasableEventStore;
  /** The same store without decryption: for folds that need no personal value (SLA, forwarding). */
  rawStore: EventStore;
  profile: CustomerProfile;
  directory: TenantDirectoryCache;
  erasureHooks: readonly ErasureHook[];
  /** How long a tenant's ticket settings are cached (changes through this instance apply at once). */
  settingsCacheMs: number;
  /** Per context: tenant → settings and version, with the time they were read. */
  settingsCache: Map<string, { at: number; value: Promise<{ settings: TicketSettings; version: number | undefined }> }>;
  now(): Date;
  newId(): string;
};

/** What `createTicketsContext` needs; the rest has defaults. */
export type TicketsContextInput = Pick<TicketsContext, 'store' | 'rawStore' | 'profile' | 'directory'> &
  Partial<Pick<TicketsContext, 'erasureHooks' | 'settingsCacheMs' | 'now' | 'newId'>>;

/** A context with defaults: system clock, random UUIDs, 5 s settings cache, no erasure hooks. */
export function createTicketsContext(input: TicketsContextInput): TicketsContext {
  return {
    erasureHooks: [],
    settingsCacheMs: 5_000,
    now: () => new Date(),
    newId: randomUUID,
    ...input,
    settingsCache: new Map(),
  };
}

/**
 * Who acts, for whom and under which trace: stamped on every event (the audit trail). `by` is what
 * ticket events record (a user id, `service:<name>` or `integration:<name>`), `actor` the metadata form.
 */
export type Caller = {
  tenantId: string;
  by: string;
  actor: string;
  /** The token's brands (`'*'`: chain-wide). */
  brands: readonly string[] | '*';
  /** `X-Brand-Id`: the brand the caller acts for, when it names one. */
  actingBrandId?: string | undefined;
  correlationId: string;
  causationId: string;
  traceparent?: string | undefined;
};

/** The service itself (SLA scheduler and timers, message handlers). */
export const SERVICE_ACTOR = 'service:service-tickets';

/** The service acting on its own (no brand restriction); `causationId` names what triggered it. */
export function systemCaller(tenantId: string, correlationId: string, causationId: string = correlationId): Caller {
  return { tenantId, by: SERVICE_ACTOR, actor: SERVICE_ACTOR, brands: '*', correlationId, causationId };
}

/** Event metadata of a caller's command; brand and guest are filled in from the ticket (see ticket-stream.ts). */
export function metadataOf(caller: Caller, occurredAt: string): CommandMetadata {
  return {
    tenantId: caller.tenantId,
    actor: caller.actor,
    correlationId: caller.correlationId,
    causationId: caller.causationId,
    occurredAt,
    ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
  };
}

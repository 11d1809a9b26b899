import type { SlaTarget } from '../domain/ticket.events';

/**
 * The durable timers the SLA needs: the subset of `@hearth/timers`' `TimerStore` used here (its
 * `PostgresTimerStore` and `MemoryTimerStore` satisfy it). One timer per ticket and target, keyed
 * `sla:<ticketId>:<target>`; `schedule` is an upsert that re-arms.
 */
export interface SlaTimers {
  schedule(timer: { tenantId: string; key: string; dueAt: Date | string; payload: unknown }): Promise<void>;
  cancel(tenantId: string, key: string): Promise<boolean>;
  get(tenantId: string, key: string): Promise<{ dueAt: Date | string; status: 'pending' | 'failed' } | undefined>;
}

/** A timer as the worker hands it over (`FiredTimer` of `@hearth/timers`). */
export type FiredSlaTimer = { tenantId: string; key: string; dueAt: string; payload: unknown; attempt: number; firedAt: string };

/** What an SLA timer carries: the ticket, the target, and the due time it was armed for. */
export type SlaTimerPayload = { ticketId: string; target: SlaTarget; dueAt: string };

/** The timer of one ticket's target: re-arming replaces it instead of adding one. */
export const slaTimerKey = (ticketId: string, target: SlaTarget): string => `sla:${ticketId}:${target}`;

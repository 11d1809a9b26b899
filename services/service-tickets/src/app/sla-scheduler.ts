import { aggregateStream, type StoredEvent } from '@hearth/event-store';
import { slaSchedule } from '../domain/ticket-sla';
import { SLA_TARGETS } from '../domain/ticket.events';
import { ticketCalendar } from './sla-calendar';
import { slaTimerKey, type SlaTimerPayload, type SlaTimers } from './sla-timers.port';
import { runTicketCommand, scopedTicketDecider, TICKET_CATEGORY, ticketIdOfStream } from './ticket-stream';
import { SERVICE_ACTOR, systemCaller, type TicketsContext } from './tickets-context';

/** What the scheduler did for one ticket (for logs and tests). */
export type SlaSchedulerOutcome = {
  ticketId: string;
  rescheduled: { target: string; dueAt: string }[];
  armed: { target: string; dueAt: string }[];
  cancelled: string[];
};

/** Step 2 of the SLA flow, for one ticket event at a time. */
export type SlaScheduler = {
  /**
   * Brings the SLA of the event's ticket up to date: folds the ticket as it is now, records
   * `RescheduleSlaTarget` for each due time a pause or reopen moved, and arms (or re-arms) one timer per
   * pending target at its due time, cancelling the timers of targets no longer pending (met, missed,
   * paused). Idempotent: running it twice, or on an older event of the ticket, changes nothing more.
   */
  onTicketEvent(event: StoredEvent): Promise<SlaSchedulerOutcome | undefined>;
};

const iso = (value: Date | string): string => new Date(value).toISOString();
/** Tickets whose latest folded version is remembered, so a batch of one ticket's events is folded once. */
const REMEMBERED_TICKETS = 10_000;

/** The SLA scheduler of the domain README's "SLA flow", step 2 (fed by a checkpointed follower of the ticket events). */
export function createSlaScheduler(ctx: TicketsContext, timers: SlaTimers): SlaScheduler {
  const folded = new Map<string, number>();
  const remember = (stream: string, version: number) => {
    folded.delete(stream);
    if (folded.size >= REMEMBERED_TICKETS) folded.delete(folded.keys().next().value!);
    folded.set(stream, version);
  };

  return {
    async onTicketEvent(event) {
      if (!event.streamName.startsWith(`${TICKET_CATEGORY}-`)) return undefined;
      // a fold at this version or later already covered this event
      if ((folded.get(event.streamName) ?? -1) >= event.streamVersion) return undefined;
      const ticketId = ticketIdOfStream(event.streamName);
      const { state, streamVersion } = await aggregateStream(ctx.rawStore, event.streamName, scopedTicketDecider);
      if (state.ticket.status === 'none' || state.tenantId === undefined || streamVersion === undefined) return undefined;
      const tenantId = state.tenantId;
      const ticket = state.ticket;
      const outcome: SlaSchedulerOutcome = { ticketId, rescheduled: [], armed: [], cancelled: [] };
      let version = streamVersion;
      if (Object.keys(ticket.sla).length > 0) {
        const calendar = await ticketCalendar(ctx, tenantId, ticket.propertyId);
        const schedule = slaSchedule(ticket, calendar);
        const caller = systemCaller(tenantId, event.metadata.correlationId, event.eventId);
        for (const { target, dueAt } of schedule.reschedule) {
          // no personal data in SlaTargetRescheduled: the raw store (no data key needed, even for an erased guest)
          const result = await runTicketCommand(ctx, caller, ticketId, { type: 'RescheduleSlaTarget', at: ctx.now().toISOString(), by: SERVICE_ACTOR, target, dueAt }, { store: ctx.rawStore });
          version = result.version;
          if (result.events.length > 0) outcome.rescheduled.push({ target, dueAt });
        }
        for (const target of SLA_TARGETS) {
          if (!ticket.sla[target]) continue;
          const key = slaTimerKey(ticketId, target);
          const timer = schedule.timers.find((t) => t.target === target);
          if (timer) {
            const existing = await timers.get(tenantId, key);
            if (existing && iso(existing.dueAt) === timer.dueAt) continue;
            const payload: SlaTimerPayload = { ticketId, target, dueAt: timer.dueAt };
            await timers.schedule({ tenantId, key, dueAt: timer.dueAt, payload });
            outcome.armed.push({ target, dueAt: timer.dueAt });
          } else if (await timers.cancel(tenantId, key)) {
            outcome.cancelled.push(target);
          }
        }
      }
      remember(event.streamName, version);
      return outcome;
    },
  };
}

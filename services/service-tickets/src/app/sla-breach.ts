import { z } from 'zod';
import { escalationOnBreach } from '../domain/settings.policy';
import { TicketError } from '../domain/ticket.decider';
import { SLA_TARGETS } from '../domain/ticket.events';
import { ticketSettings } from './settings-use-cases';
import type { FiredSlaTimer } from './sla-timers.port';
import { runTicketCommand } from './ticket-stream';
import { SERVICE_ACTOR, systemCaller, type TicketsContext } from './tickets-context';

const payloadSchema = z.object({ ticketId: z.string().min(1), target: z.enum(SLA_TARGETS), dueAt: z.iso.datetime({ offset: true }) });

/** `breached`: recorded now; `stale`: nothing to record (met, moved, paused, already breached); `dropped`: no such ticket or target. */
export type SlaBreachOutcome = 'breached' | 'stale' | 'dropped';

/**
 * The handler of fired SLA timers (domain README, SLA flow step 3): records `RecordSlaBreach` with the
 * due time the timer was armed for and the escalation the tenant's policy asks for (one priority step
 * and/or the queue's manager, computed on the state the breach is decided on). The decider ignores a
 * breach that went stale (met, paused, moved) or was already recorded, so a timer that fires twice
 * (at-least-once workers, two instances) still records one `SlaBreached` and one `TicketEscalated`.
 * A timer for a ticket or target that does not exist is dropped; `SLA_NOT_DUE` (this instance's clock
 * is behind) and failures are thrown so the timer is retried.
 */
export function createSlaBreachHandler(ctx: TicketsContext, options: { onDropped?: (timer: FiredSlaTimer, reason: string) => void } = {}) {
  return async (timer: FiredSlaTimer): Promise<SlaBreachOutcome> => {
    const parsed = payloadSchema.safeParse(timer.payload);
    if (!parsed.success) {
      options.onDropped?.(timer, 'malformed payload');
      return 'dropped';
    }
    const { ticketId, target, dueAt } = parsed.data;
    const settings = await ticketSettings(ctx, timer.tenantId);
    const at = ctx.now().toISOString();
    try {
      const result = await runTicketCommand(
        ctx,
        systemCaller(timer.tenantId, `${timer.key}@${dueAt}`, timer.key),
        ticketId,
        (ticket) => {
          const escalation = escalationOnBreach(settings, ticket);
          return { type: 'RecordSlaBreach', at, by: SERVICE_ACTOR, target, dueAt, ...(escalation ? { escalation } : {}) };
        },
        // SlaBreached and an escalation without note carry no personal data
        { store: ctx.rawStore, at },
      );
      return result.events.length > 0 ? 'breached' : 'stale';
    } catch (error) {
      if (error instanceof TicketError && (error.code === 'TICKET_NOT_FOUND' || error.code === 'SLA_TARGET_NOT_SET')) {
        options.onDropped?.(timer, error.code);
        return 'dropped';
      }
      throw error;
    }
  };
}

import { businessDueAt, businessMinutesBetween, type BusinessCalendar, type Instant } from './sla-clock';
import { calendarForMode } from './sla-policy';
import type { TicketState } from './ticket.decider';
import { SLA_TARGETS, type SlaTarget } from './ticket.events';

/**
 * SLA arithmetic on a folded ticket, for the scheduler and timers of the adapter layer: the decider
 * records due times, this computes them. A target counts from the opening, on its mode's calendar,
 * without the ticket's pauses (waiting on guest; resolved until reopened).
 */

/** Whether a target still needs a timer: set, neither met nor missed yet. */
export function isTargetPending(state: TicketState, target: SlaTarget): boolean {
  const terms = state.sla[target];
  if (!terms || terms.breachedAt !== undefined || state.status === 'none') return false;
  if (target === 'first-response') return state.firstRespondedAt === undefined && state.status !== 'resolved' && state.status !== 'closed';
  return state.status !== 'resolved' && state.status !== 'closed';
}

/** Whether the ticket's SLA clock stands still right now (waiting on guest, or resolved). */
export const isSlaClockPaused = (state: TicketState): boolean => state.pauses.at(-1)?.to === undefined && state.pauses.length > 0;

/**
 * When a target is due given the pauses so far; `null` while the clock is paused (the due time is
 * unknown until it runs again). Undefined when the ticket has no such target.
 */
export function targetDueAt(state: TicketState, target: SlaTarget, propertyCalendar: BusinessCalendar): Date | null | undefined {
  const terms = state.sla[target];
  if (!terms) return undefined;
  return businessDueAt(calendarForMode(terms.mode, propertyCalendar), state.openedAt, terms.minutes, state.pauses);
}

/** Minutes of a target's clock used up by `at` (business minutes in business-hours mode), pauses excluded. */
export function targetElapsedMinutes(state: TicketState, target: SlaTarget, at: Instant, propertyCalendar: BusinessCalendar): number | undefined {
  const terms = state.sla[target];
  if (!terms) return undefined;
  return businessMinutesBetween(calendarForMode(terms.mode, propertyCalendar), state.openedAt, at, state.pauses);
}

export type SlaSchedule = {
  /** Pending targets whose recorded due time is out of date: send `RescheduleSlaTarget` for each. */
  reschedule: { target: SlaTarget; dueAt: string }[];
  /** Pending targets to arm a timer for (at `dueAt`, then send `RecordSlaBreach` with the same `dueAt`). */
  timers: { target: SlaTarget; dueAt: string }[];
};

/**
 * What the SLA scheduler should do after a ticket changed: recompute each pending target's due time
 * (a pause ending moves it later) and arm timers. While the clock is paused nothing is armed; the
 * timers are re-armed when it runs again.
 */
export function slaSchedule(state: TicketState, propertyCalendar: BusinessCalendar): SlaSchedule {
  const schedule: SlaSchedule = { reschedule: [], timers: [] };
  if (isSlaClockPaused(state)) return schedule;
  for (const target of SLA_TARGETS) {
    if (!isTargetPending(state, target)) continue;
    const due = targetDueAt(state, target, propertyCalendar);
    if (!due) continue;
    const dueAt = due.toISOString();
    if (dueAt !== state.sla[target]!.dueAt) schedule.reschedule.push({ target, dueAt });
    schedule.timers.push({ target, dueAt });
  }
  return schedule;
}

import type { BusinessCalendar } from './sla-clock';
import { slaTermsFor, type SlaPolicy } from './sla-policy';
import { ticketDecider, type TicketCommand, type TicketState } from './ticket.decider';
import { isSlaClockPaused, isTargetPending, slaSchedule, targetDueAt, targetElapsedMinutes } from './ticket-sla';
import type { TicketEvent } from './ticket.events';

const lisbon: BusinessCalendar = {
  timeZone: 'Europe/Lisbon',
  weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '18:00' }]])),
};
const policies: SlaPolicy[] = [
  { policyId: 'complaint-response', match: { kind: 'complaint' }, firstResponseMinutes: 30, mode: 'calendar' },
  { policyId: 'complaint-resolution', match: { kind: 'complaint', channel: 'phone' }, resolutionMinutes: 240, mode: 'business-hours' },
];

/** Runs commands through the decider as the adapter would, returning the state after each. */
function run(commands: TicketCommand[], initial: TicketState = ticketDecider.initialState()): TicketState {
  return commands.reduce((state, command) => ticketDecider.decide(command, state).reduce<TicketState>((s, e: TicketEvent) => ticketDecider.evolve(s, e), state), initial);
}

// Friday 6 March 2026, 16:00 in Lisbon (UTC+0)
const openedAt = '2026-03-06T16:00:00.000Z';
const classification = { kind: 'complaint', priority: 'high', channel: 'phone' } as const;
const open: TicketCommand = {
  type: 'OpenTicket',
  at: openedAt,
  by: 'agent-ana',
  ticketId: 'ticket-1',
  brandId: 'brand-harbour',
  guestId: 'guest-7',
  ...classification,
  queueId: 'queue-front-office',
  subject: 'Noise',
  assigneeId: 'agent-ana',
  sla: slaTermsFor(policies, classification, openedAt, lisbon)!,
};
const step = (type: 'StartWork' | 'WaitOnGuest' | 'ResumeTicket' | 'ResolveTicket' | 'RecordFirstResponse', at: string): TicketCommand => ({ type, at, by: 'agent-ana' });

describe('ticket SLA schedule', () => {
  it('arms both targets at opening, with the due times recorded by OpenTicket', () => {
    const state = run([open, step('StartWork', '2026-03-06T16:01:00Z')]);
    // first response: 30 calendar minutes; resolution: 2 business hours on Friday + 2 on Monday
    expect(state.sla['first-response']?.dueAt).toBe('2026-03-06T16:30:00.000Z');
    expect(state.sla.resolution?.dueAt).toBe('2026-03-09T11:00:00.000Z');
    expect(slaSchedule(state, lisbon)).toEqual({
      reschedule: [],
      timers: [
        { target: 'first-response', dueAt: '2026-03-06T16:30:00.000Z' },
        { target: 'resolution', dueAt: '2026-03-09T11:00:00.000Z' },
      ],
    });
  });

  it('arms nothing while waiting on the guest, and moves the due times by the pause when work resumes', () => {
    const waiting = run([open, step('StartWork', '2026-03-06T16:01:00Z'), step('RecordFirstResponse', '2026-03-06T16:05:00Z'), step('WaitOnGuest', '2026-03-06T17:00:00Z')]);
    expect(isSlaClockPaused(waiting)).toBe(true);
    expect(targetDueAt(waiting, 'resolution', lisbon)).toBeNull();
    expect(slaSchedule(waiting, lisbon)).toEqual({ reschedule: [], timers: [] });

    // the guest answers on Monday at 10:00: 1 business hour paused on Friday, 1 on Monday
    const resumed = run([step('ResumeTicket', '2026-03-09T10:00:00Z')], waiting);
    expect(isSlaClockPaused(resumed)).toBe(false);
    const schedule = slaSchedule(resumed, lisbon);
    expect(schedule).toEqual({
      reschedule: [{ target: 'resolution', dueAt: '2026-03-09T13:00:00.000Z' }],
      timers: [{ target: 'resolution', dueAt: '2026-03-09T13:00:00.000Z' }],
    });
    // the scheduler records the move; afterwards the schedule is stable
    const rescheduled = run([{ type: 'RescheduleSlaTarget', at: '2026-03-09T10:00:01Z', by: 'service:sla-scheduler', ...schedule.reschedule[0]! }], resumed);
    expect(slaSchedule(rescheduled, lisbon).reschedule).toEqual([]);
    expect(targetElapsedMinutes(rescheduled, 'resolution', '2026-03-09T13:00:00Z', lisbon)).toBe(240);
  });

  it('drops a met target and, after the resolution, all timers', () => {
    const responded = run([open, step('StartWork', '2026-03-06T16:01:00Z'), step('RecordFirstResponse', '2026-03-06T16:05:00Z')]);
    expect(isTargetPending(responded, 'first-response')).toBe(false);
    expect(slaSchedule(responded, lisbon).timers.map((t) => t.target)).toEqual(['resolution']);
    const resolved = run([step('ResolveTicket', '2026-03-06T17:00:00Z')], responded);
    expect(isTargetPending(resolved, 'resolution')).toBe(false);
    expect(slaSchedule(resolved, lisbon)).toEqual({ reschedule: [], timers: [] });
  });

  it('re-arms the resolution target after a reopen, without the time the ticket spent resolved', () => {
    const resolved = run([open, step('StartWork', '2026-03-06T16:01:00Z'), step('ResolveTicket', '2026-03-06T17:00:00Z')]);
    const reopened = run([{ type: 'ReopenTicket', at: '2026-03-09T09:30:00Z', by: 'agent-ana', reopenWindowHours: 72 }], resolved);
    // 60 business minutes used on Friday; 180 left from Monday 09:30
    expect(slaSchedule(reopened, lisbon)).toEqual({
      reschedule: [{ target: 'resolution', dueAt: '2026-03-09T12:30:00.000Z' }],
      timers: [{ target: 'resolution', dueAt: '2026-03-09T12:30:00.000Z' }],
    });
  });

  it('stops arming a target once it was breached', () => {
    const started = run([open, step('StartWork', '2026-03-06T16:01:00Z')]);
    const breached = run([{ type: 'RecordSlaBreach', at: '2026-03-06T16:30:00Z', by: 'service:sla-timer', target: 'first-response', dueAt: '2026-03-06T16:30:00.000Z' }], started);
    expect(breached.sla['first-response']?.breachedAt).toBe('2026-03-06T16:30:00Z');
    expect(slaSchedule(breached, lisbon).timers.map((t) => t.target)).toEqual(['resolution']);
  });

  it('has nothing to schedule for a ticket without SLA terms', () => {
    const { sla: _none, ...withoutSla } = open as Extract<TicketCommand, { type: 'OpenTicket' }>;
    const state = run([withoutSla]);
    expect(slaSchedule(state, lisbon)).toEqual({ reschedule: [], timers: [] });
    expect(targetDueAt(state, 'resolution', lisbon)).toBeUndefined();
    expect(targetElapsedMinutes(state, 'resolution', '2026-03-09T13:00:00Z', lisbon)).toBeUndefined();
  });
});

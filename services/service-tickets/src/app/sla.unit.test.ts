import { fireDueTimers, MemoryTimerStore } from '@hearth/timers';
import { complaintBody, TENANT, TEST_SETTINGS, ticketsTestApp, type TicketsTestApp } from '../adapters/testing/tickets.test-helper';
import { createSlaBreachHandler, type SlaBreachOutcome } from './sla-breach';
import { createSlaScheduler, type SlaScheduler, type SlaSchedulerOutcome } from './sla-scheduler';
import { slaTimerKey } from './sla-timers.port';
import { openTicket, performTicketAction, type OpenTicketInput, type TicketAction } from './ticket-use-cases';
import type { Caller } from './tickets-context';

const agent: Caller = { tenantId: TENANT, by: 'agent-ana', actor: 'user:agent-ana', brands: ['hotels'], correlationId: 'c-1', causationId: 'r-1' };

describe('SLA scheduling and breaches', () => {
  let t: TicketsTestApp;
  let timers: MemoryTimerStore;
  let scheduler: SlaScheduler;
  let position = 0;
  let outcomes: SlaSchedulerOutcome[];

  beforeEach(async () => {
    t = await ticketsTestApp();
    t.profile.addGuest(TENANT, 'g-1');
    timers = new MemoryTimerStore({ now: () => t.now() });
    scheduler = createSlaScheduler(t.ctx, timers);
    position = 0;
    outcomes = [];
  });

  /** Runs the scheduler over every event appended since the last call (what the checkpointed follower does). */
  const follow = async () => {
    for (;;) {
      const events = await t.inner.readAll({ fromPosition: position, categories: ['ticket'] });
      if (events.length === 0) return outcomes;
      for (const event of events) {
        const outcome = await scheduler.onTicketEvent(event);
        if (outcome) outcomes.push(outcome);
        position = event.globalPosition;
      }
    }
  };
  const open = async (input: Partial<OpenTicketInput> = {}) => (await openTicket(t.ctx, agent, { ...(complaintBody() as unknown as OpenTicketInput), ...input })).ticket.ticketId;
  const act = (ticketId: string, action: TicketAction) => performTicketAction(t.ctx, agent, ticketId, action);
  const due = async (ticketId: string, target: 'first-response' | 'resolution') => (await timers.get(TENANT, slaTimerKey(ticketId, target)))?.dueAt;
  const typesOf = async (ticketId: string) => (await t.inner.readStream(`ticket-${ticketId}`)).map((e) => e.type);
  const fire = async (handled: SlaBreachOutcome[] = []) => {
    const handler = createSlaBreachHandler(t.ctx);
    await fireDueTimers({ store: timers, handle: async (timer) => void handled.push(await handler(timer)) });
    return handled;
  };

  it('arms one timer per target at its due time (Lisbon business hours: 30 min and 4 h from Monday 10:00)', async () => {
    const ticketId = await open();
    await follow();
    expect(await due(ticketId, 'first-response')).toBe('2026-03-02T10:30:00.000Z');
    expect(await due(ticketId, 'resolution')).toBe('2026-03-02T14:00:00.000Z');
    expect((await timers.get(TENANT, slaTimerKey(ticketId, 'resolution')))?.payload).toEqual({ ticketId, target: 'resolution', dueAt: '2026-03-02T14:00:00.000Z' });
    // following again (a replay after a crash) changes nothing
    const before = outcomes.length;
    position = 0;
    await follow();
    expect(outcomes.slice(before).every((o) => o.armed.length === 0 && o.rescheduled.length === 0)).toBe(true);
  });

  it('breaches once and escalates by the tenant policy, however often the timer fires', async () => {
    const ticketId = await open();
    await act(ticketId, { verb: 'assign', assigneeId: 'agent-ana' });
    await follow();
    t.advance(31);
    expect(await fire()).toEqual(['breached']);
    const handler = createSlaBreachHandler(t.ctx);
    // the same arming fired again (a second instance, a lost lease): nothing more is recorded
    const again = await handler({ tenantId: TENANT, key: slaTimerKey(ticketId, 'first-response'), dueAt: '2026-03-02T10:30:00.000Z', payload: { ticketId, target: 'first-response', dueAt: '2026-03-02T10:30:00.000Z' }, attempt: 2, firedAt: t.now().toISOString() });
    expect(again).toBe('stale');
    const types = await typesOf(ticketId);
    expect(types.filter((type) => type === 'SlaBreached')).toHaveLength(1);
    expect(types.filter((type) => type === 'TicketEscalated')).toHaveLength(1);
    const escalated = (await t.inner.readStream(`ticket-${ticketId}`)).find((e) => e.type === 'TicketEscalated')!;
    expect(escalated.data).toMatchObject({ reason: 'sla-breach', target: 'first-response', level: 1, priority: 'urgent', previousPriority: 'high', assigneeId: 'manager-maria', previousAssigneeId: 'agent-ana', by: 'service:service-tickets' });
    expect(escalated.metadata).toMatchObject({ actor: 'service:service-tickets', tenantId: TENANT, brandId: 'hotels', guestId: 'g-1' });
    // the breached target's timer is gone, the resolution timer stays armed
    await follow();
    expect(await due(ticketId, 'first-response')).toBeUndefined();
    expect(await due(ticketId, 'resolution')).toBe('2026-03-02T14:00:00.000Z');
  });

  it('moves the due times by the time spent waiting on the guest (business hours), and arms nothing while waiting', async () => {
    const ticketId = await open();
    await act(ticketId, { verb: 'assign', assigneeId: 'agent-ana' });
    await act(ticketId, { verb: 'start' });
    t.advance(10);
    await act(ticketId, { verb: 'wait-on-guest' });
    await follow();
    expect(await due(ticketId, 'first-response')).toBeUndefined();
    expect(await due(ticketId, 'resolution')).toBeUndefined();
    t.advance(60);
    await act(ticketId, { verb: 'comment', visibility: 'public', author: 'guest', body: 'Room 301 would be fine' });
    await follow();
    // paused 10:10–11:10: one business hour later each
    expect(await due(ticketId, 'first-response')).toBe('2026-03-02T11:30:00.000Z');
    expect(await due(ticketId, 'resolution')).toBe('2026-03-02T15:00:00.000Z');
    const rescheduled = (await t.inner.readStream(`ticket-${ticketId}`)).filter((e) => e.type === 'SlaTargetRescheduled').map((e) => e.data);
    expect(rescheduled).toEqual([
      expect.objectContaining({ target: 'first-response', dueAt: '2026-03-02T11:30:00.000Z', previousDueAt: '2026-03-02T10:30:00.000Z' }),
      expect.objectContaining({ target: 'resolution', dueAt: '2026-03-02T15:00:00.000Z', previousDueAt: '2026-03-02T14:00:00.000Z' }),
    ]);
    expect((await act(ticketId, { verb: 'priority', priority: 'high' })).ticket.sla.resolution?.dueAt).toBe('2026-03-02T15:00:00.000Z');
    // a timer armed for the old due time went stale: firing it records nothing
    t.advance(25);
    const handler = createSlaBreachHandler(t.ctx);
    const stale = await handler({ tenantId: TENANT, key: slaTimerKey(ticketId, 'first-response'), dueAt: '2026-03-02T10:30:00.000Z', payload: { ticketId, target: 'first-response', dueAt: '2026-03-02T10:30:00.000Z' }, attempt: 1, firedAt: t.now().toISOString() });
    expect(stale).toBe('stale');
  });

  it('cancels the first-response timer on a public staff reply, and both on resolution', async () => {
    const ticketId = await open();
    await act(ticketId, { verb: 'assign', assigneeId: 'agent-ana' });
    await follow();
    await act(ticketId, { verb: 'comment', visibility: 'public', author: 'staff', body: 'We are on it' });
    await follow();
    expect(outcomes.at(-1)).toMatchObject({ cancelled: ['first-response'] });
    expect(await due(ticketId, 'first-response')).toBeUndefined();
    await act(ticketId, { verb: 'resolve' });
    await follow();
    expect(await due(ticketId, 'resolution')).toBeUndefined();
    t.advance(24 * 60);
    expect(await fire()).toEqual([]);
    expect((await typesOf(ticketId)).includes('SlaBreached')).toBe(false);
  });

  it('re-arms the resolution target after a reopen, later by the time the ticket was resolved', async () => {
    const ticketId = await open();
    await act(ticketId, { verb: 'assign', assigneeId: 'agent-ana' });
    t.advance(20);
    await act(ticketId, { verb: 'resolve' });
    await follow();
    t.advance(30);
    await act(ticketId, { verb: 'reopen', reason: 'Still noisy' });
    await follow();
    // resolved 10:20–10:50: 30 business minutes later
    expect(await due(ticketId, 'resolution')).toBe('2026-03-02T14:30:00.000Z');
  });

  it('throws SLA_NOT_DUE (retried) for a timer fired before its due time on this clock, and drops timers of nothing', async () => {
    const ticketId = await open();
    await follow();
    const handler = createSlaBreachHandler(t.ctx);
    const early = { tenantId: TENANT, key: slaTimerKey(ticketId, 'first-response'), dueAt: '2026-03-02T10:30:00.000Z', payload: { ticketId, target: 'first-response', dueAt: '2026-03-02T10:30:00.000Z' }, attempt: 1, firedAt: t.now().toISOString() };
    await expect(handler(early)).rejects.toMatchObject({ code: 'SLA_NOT_DUE' });
    expect(await handler({ ...early, payload: { ticketId: 'nope', target: 'first-response', dueAt: '2026-03-02T10:30:00.000Z' } })).toBe('dropped');
    expect(await handler({ ...early, tenantId: 'another-tenant' })).toBe('dropped');
    expect(await handler({ ...early, payload: { garbage: true } })).toBe('dropped');
  });

  it('breaches without escalating when the policy asks for nothing', async () => {
    t = await ticketsTestApp({ settings: { ...TEST_SETTINGS, escalation: { raisePriority: false, reassignToManager: false } } });
    t.profile.addGuest(TENANT, 'g-1');
    timers = new MemoryTimerStore({ now: () => t.now() });
    scheduler = createSlaScheduler(t.ctx, timers);
    const ticketId = await open();
    await follow();
    t.advance(31);
    expect(await fire()).toEqual(['breached']);
    const types = await typesOf(ticketId);
    expect(types).toContain('SlaBreached');
    expect(types).not.toContain('TicketEscalated');
  });

  it('arms nothing for a ticket without SLA targets', async () => {
    t = await ticketsTestApp({ settings: { ...TEST_SETTINGS, slaPolicies: [{ policyId: 'vip', match: { priority: 'urgent' }, firstResponseMinutes: 5, mode: 'calendar' }] } });
    t.profile.addGuest(TENANT, 'g-1');
    timers = new MemoryTimerStore({ now: () => t.now() });
    scheduler = createSlaScheduler(t.ctx, timers);
    await open();
    await follow();
    expect(await timers.counts()).toEqual({ pending: 0, failed: 0 });
  });
});

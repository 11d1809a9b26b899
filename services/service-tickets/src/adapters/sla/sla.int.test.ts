/**
 * SLA deadlines against the real PostgreSQL: the checkpointed scheduler arms durable timers
 * (`@hearth/timers`), timer workers fire them into breaches. Targets are one calendar minute counted
 * from a `receivedAt` just under a minute ago, so they fall due within seconds without a fake clock.
 */
import { eventually } from '@hearth/testing';
import request from 'supertest';
import { slaTimerKey } from '../../app/sla-timers.port';
import type { TicketSettings } from '../../domain/settings.policy';
import { startHarness, type Harness } from '../testing/tickets-harness.test-helper';
import { bearer, TEST_SETTINGS } from '../testing/tickets.test-helper';

const ONE_MINUTE: TicketSettings = { ...TEST_SETTINGS, slaPolicies: [{ policyId: 'one-minute', match: {}, firstResponseMinutes: 1, mode: 'calendar' }] };

describe('SLA timers on PostgreSQL', () => {
  let h: Harness;
  let tenant: string;
  let sla: Awaited<ReturnType<Harness['startSla']>>;
  beforeAll(async () => {
    h = await startHarness();
    // two timer workers, each with its own pool and store, as two instances of the service would run them
    sla = await h.startSla({ workers: 2 });
  });
  afterAll(async () => {
    await h.close();
    expect(h.logged).toEqual([]);
  });
  beforeEach(async () => {
    tenant = await h.newTenant(ONE_MINUTE);
  });

  const agent = () => bearer({ tenant, sub: 'agent-ana', roles: ['agent'], brands: ['hotels'] });
  const open = async (receivedAgoMs: number) => {
    const res = await request(h.app)
      .post('/v1/tickets')
      .set(await agent())
      .send({ brandId: 'hotels', kind: 'inquiry', channel: 'chat', priority: 'normal', queueId: 'front-office', subject: 'Late checkout?', receivedAt: new Date(Date.now() - receivedAgoMs).toISOString() });
    expect(res.status).toBe(201);
    return res.body.ticket as { ticketId: string; sla: { 'first-response': { dueAt: string } } };
  };
  const act = async (ticketId: string, verb: string, body: object = {}) => {
    const res = await request(h.app).post(`/v1/tickets/${ticketId}/${verb}`).set(await agent()).send(body);
    expect(res.status).toBeLessThan(300);
    return res.body.ticket as { version: number };
  };
  const eventsOf = async (ticketId: string) => h.events.readStream(`ticket-${ticketId}`);
  const count = async (ticketId: string, type: string) => (await eventsOf(ticketId)).filter((e) => e.type === type).length;

  it('breaches a one-minute target when it passes and escalates once: priority up, to the queue manager', async () => {
    const ticket = await open(58_000);
    await act(ticket.ticketId, 'assign', { assigneeId: 'agent-ana' });
    await eventually(async () => expect(await count(ticket.ticketId, 'SlaBreached')).toBe(1), { timeoutMs: 30_000, intervalMs: 100 });
    // the breached target's timer is gone once the scheduler saw the breach
    await eventually(async () => expect(await h.timers.get(tenant, slaTimerKey(ticket.ticketId, 'first-response'))).toBeUndefined(), { timeoutMs: 30_000 });
    expect(await count(ticket.ticketId, 'SlaBreached')).toBe(1);
    expect(await count(ticket.ticketId, 'TicketEscalated')).toBe(1);
    const view = (await request(h.app).get(`/v1/tickets/${ticket.ticketId}`).set(await agent())).body;
    expect(view).toMatchObject({ priority: 'high', assigneeId: 'manager-maria', escalationLevel: 1 });
    expect(view.sla['first-response']).toMatchObject({ dueAt: ticket.sla['first-response'].dueAt, breachedAt: expect.any(String) });
    expect(sla.fired.filter((f) => f.key === slaTimerKey(ticket.ticketId, 'first-response') && f.outcome === 'breached')).toHaveLength(1);
  });

  it('stops the clock while waiting on the guest and moves the due time by the pause', async () => {
    const ticket = await open(20_000);
    const key = slaTimerKey(ticket.ticketId, 'first-response');
    await eventually(async () => expect((await h.timers.get(tenant, key))?.dueAt).toBe(ticket.sla['first-response'].dueAt), { timeoutMs: 30_000 });
    await act(ticket.ticketId, 'assign', { assigneeId: 'agent-ana' });
    await act(ticket.ticketId, 'start');
    await act(ticket.ticketId, 'wait-on-guest');
    await eventually(async () => expect(await h.timers.get(tenant, key)).toBeUndefined(), { timeoutMs: 30_000 });
    await act(ticket.ticketId, 'resume');
    const stored = await eventsOf(ticket.ticketId);
    const pausedAt = Date.parse((stored.find((e) => e.type === 'TicketWaitingOnGuest')!.data as { at: string }).at);
    const resumedAt = Date.parse((stored.find((e) => e.type === 'TicketResumed')!.data as { at: string }).at);
    const expected = new Date(Date.parse(ticket.sla['first-response'].dueAt) + (resumedAt - pausedAt)).toISOString();
    await eventually(async () => {
      const rescheduled = (await eventsOf(ticket.ticketId)).filter((e) => e.type === 'SlaTargetRescheduled').map((e) => e.data);
      expect(rescheduled).toEqual([expect.objectContaining({ target: 'first-response', previousDueAt: ticket.sla['first-response'].dueAt, dueAt: expected })]);
      expect((await h.timers.get(tenant, key))?.dueAt).toBe(expected);
    }, { timeoutMs: 30_000 });
    // answered before the (moved) due time: the timer goes, nothing is breached
    await act(ticket.ticketId, 'first-response');
    await eventually(async () => expect(await h.timers.get(tenant, key)).toBeUndefined(), { timeoutMs: 30_000 });
    expect(await count(ticket.ticketId, 'SlaBreached')).toBe(0);
  });

  it('with two workers (two instances) running at once, each due ticket breaches exactly once', async () => {
    const tickets = await Promise.all(Array.from({ length: 6 }, () => open(57_000)));
    await eventually(
      async () => {
        for (const t of tickets) expect(await count(t.ticketId, 'SlaBreached')).toBe(1);
      },
      { timeoutMs: 45_000, intervalMs: 200 },
    );
    await eventually(async () => expect(await h.timers.list({ tenantId: tenant })).toEqual([]), { timeoutMs: 30_000 });
    for (const t of tickets) {
      expect(await count(t.ticketId, 'SlaBreached')).toBe(1);
      expect(await count(t.ticketId, 'TicketEscalated')).toBe(1);
    }
    const keys = tickets.map((t) => slaTimerKey(t.ticketId, 'first-response'));
    const breached = sla.fired.filter((f) => f.outcome === 'breached' && keys.includes(f.key)).map((f) => f.key);
    expect(breached.sort()).toEqual(keys.sort());
  });
});

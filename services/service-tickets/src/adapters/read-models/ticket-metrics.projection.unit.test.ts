import type { StoredEvent } from '@hearth/event-store';
import { contentHash, createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import { ticketMetricFacts, ticketMetricRollups, type TicketMetricsRollupDocument } from './ticket-metrics.collections';
import { isFirstContact } from './ticket-metrics.facts';
import { projectTicketMetricsBatch, projectTicketMetricsEvent, ticketMetricsPrefetch } from './ticket-metrics.projection';
import { ticketMetrics } from './ticket-metrics.query';
import type { TicketMetricsFilter } from './ticket-metrics.schemas';
import { EventLog, openTicket, PERSONAL_TEXTS } from './ticket-queue.test-helper';

const TENANT = 't1';
const DAY = 24 * 60;
/** Minute 0 is 2026-03-02 08:00 UTC. */
const MARCH_2 = '2026-03-02';
const MARCH_3 = '2026-03-03';
const MARCH_4 = '2026-03-04';

function setup() {
  const store = createMemoryDocumentStore();
  const log = new EventLog();
  let applied = 0;
  /** Applies what the log gained since the last call. */
  const sync = () =>
    store.transaction(
      async (session) => {
        for (const event of log.since(applied)) await projectTicketMetricsEvent(event, session);
        applied = log.events.length;
      },
      { writeBehind: true },
    );
  const metrics = (filter: Partial<TicketMetricsFilter> = {}) => ticketMetrics(store, TENANT, { brandIds: 'all', ...filter });
  return { store, log, sync, metrics };
}

async function allRollups(store: DocumentStore, tenantId = TENANT): Promise<TicketMetricsRollupDocument[]> {
  return (await store.forTenant(tenantId).find(ticketMetricRollups, undefined, { limit: 1000 })).items;
}

describe('ticket metrics projection', () => {
  it('measures first response and resolution, with and without pauses, and decides SLA targets', async () => {
    const { log, sync, metrics } = setup();
    const a = openTicket(log, TENANT, 'a', 0, { firstResponseMinutes: 30, resolutionMinutes: 240 });
    a.run('AssignTicket', 5, { assigneeId: 'agent-1' });
    a.run('StartWork', 6, {});
    a.run('AddComment', 12, { commentId: 'c1', visibility: 'public', author: 'staff', body: 'Hello Ana Silva' });
    a.run('ResolveTicket', 100, {});
    const b = openTicket(log, TENANT, 'b', 0, { firstResponseMinutes: 10, resolutionMinutes: 600, channel: 'email', kind: 'request' });
    b.run('AssignTicket', 1, { assigneeId: 'agent-2' });
    b.run('RecordSlaBreach', 11, { target: 'first-response', dueAt: b.state.sla['first-response']!.dueAt }, 'service:sla');
    b.run('StartWork', 20, {});
    b.run('RecordFirstResponse', 20, {});
    b.run('WaitOnGuest', 30, {});
    b.run('ResumeTicket', 90, {});
    b.run('ResolveTicket', 150, {});
    await sync();

    const m = await metrics({ from: MARCH_2, to: MARCH_2 });
    expect(m.opened).toEqual({
      total: 2,
      byKind: { inquiry: 1, request: 1, complaint: 0 },
      byChannel: { phone: 0, email: 1, chat: 0, web: 1, 'walk-in': 0, social: 0 },
    });
    expect(m.resolved).toBe(2);
    expect(m.firstResponse).toMatchObject({ count: 2, averageMinutes: 16 });
    // nearest ranks of [12, 20]: p50 is 12, p90 is 20 (estimates within 4.5 %)
    expect(Math.abs(m.firstResponse.p50Minutes! - 12)).toBeLessThanOrEqual(12 * 0.045);
    expect(Math.abs(m.firstResponse.p90Minutes! - 20)).toBeLessThanOrEqual(20 * 0.045);
    // b: 150 minutes in all, 60 of them waiting on the guest
    expect(m.resolution).toMatchObject({ count: 2, averageMinutes: 125, excludingPauses: { averageMinutes: 95 } });
    expect(m.sla).toEqual({
      firstResponse: { met: 1, breached: 1, compliancePercent: 50 },
      resolution: { met: 2, breached: 0, compliancePercent: 100 },
      overall: { met: 3, breached: 1, compliancePercent: 75 },
    });
    // a: one public reply, no wait → first contact; b waited on the guest
    expect(m.firstContactResolution).toEqual({ resolved: 2, firstContact: 1, percent: 50 });
    expect(m.backlog.total).toBe(0);
  });

  it('retracts a resolution on reopen and counts the next one on its own day (reopen after resolution)', async () => {
    const { log, sync, metrics, store } = setup();
    const t = openTicket(log, TENANT, 't', 0, { resolutionMinutes: 10 * DAY, assigneeId: 'agent-1' });
    t.run('ResolveTicket', 60, {});
    await sync();
    let day1 = await metrics({ from: MARCH_2, to: MARCH_2 });
    expect(day1).toMatchObject({ resolved: 1, firstContactResolution: { firstContact: 1 }, sla: { resolution: { met: 1 } } });

    t.run('ReopenTicket', DAY + 60, { reopenWindowHours: 72 });
    await sync();
    day1 = await metrics({ from: MARCH_2, to: MARCH_2 });
    expect(day1).toMatchObject({ opened: { total: 1 }, resolved: 0, firstContactResolution: { resolved: 0, firstContact: 0 }, sla: { resolution: { met: 0 } } });
    expect((await metrics()).backlog).toMatchObject({ total: 1, byStatus: { assigned: 1 } });
    expect((await metrics({ from: MARCH_3, to: MARCH_3 })).reopened).toBe(1);

    t.run('ResolveTicket', 2 * DAY + 120, {});
    await sync();
    const day3 = await metrics({ from: MARCH_4, to: MARCH_4 });
    expect(day3).toMatchObject({ resolved: 1, firstContactResolution: { resolved: 1, firstContact: 0 }, sla: { resolution: { met: 1, breached: 0 } } });
    // the resolution took 2 days + 120 minutes in all; the day it stood resolved is a pause
    expect(day3.resolution.averageMinutes).toBe(2 * DAY + 120);
    expect(day3.resolution.excludingPauses.averageMinutes).toBe(2 * DAY + 120 - DAY);
    const all = await metrics();
    expect(all).toMatchObject({ resolved: 1, reopened: 1, backlog: { total: 0 } });
    // cells that only held the retracted resolution are gone; none holds a negative count
    for (const doc of await allRollups(store)) for (const n of Object.values(doc.counters)) expect(n).toBeGreaterThan(0);
  });

  it('keeps a breached resolution target breached through a reopen, and counts overdue backlog', async () => {
    const { log, sync, metrics } = setup();
    const t = openTicket(log, TENANT, 't', 0, { resolutionMinutes: 30, firstResponseMinutes: 10, assigneeId: 'agent-1' });
    t.run('RecordSlaBreach', 10, { target: 'first-response', dueAt: t.state.sla['first-response']!.dueAt }, 'service:sla');
    await sync();
    expect((await metrics()).backlog).toEqual({ total: 1, byStatus: { open: 0, assigned: 1, 'in-progress': 0, 'waiting-on-guest': 0 }, overdue: 1 });
    t.run('RecordFirstResponse', 12, {});
    await sync();
    expect((await metrics()).backlog.overdue).toBe(0);
    t.run('RecordSlaBreach', 31, { target: 'resolution', dueAt: t.state.sla.resolution!.dueAt, escalation: { toPriority: 'high' } }, 'service:sla');
    t.run('ResolveTicket', 40, {});
    t.run('ReopenTicket', 50, { reopenWindowHours: 1 });
    t.run('ResolveTicket', 60, {});
    await sync();
    const m = await metrics();
    expect(m.sla.resolution).toEqual({ met: 0, breached: 1, compliancePercent: 0 });
    expect(m.sla.firstResponse).toEqual({ met: 0, breached: 1, compliancePercent: 0 });
    expect(m.firstContactResolution).toEqual({ resolved: 1, firstContact: 0, percent: 0 });
  });

  it('follows a reschedule while waiting on the guest without counting anything twice', async () => {
    const { log, sync, metrics, store } = setup();
    const t = openTicket(log, TENANT, 't', 0, { resolutionMinutes: 120, assigneeId: 'agent-1' });
    t.run('StartWork', 1, {});
    t.run('WaitOnGuest', 10, {});
    t.raw({ type: 'SlaTargetRescheduled', data: { target: 'resolution', dueAt: '2026-03-02T12:00:00.000Z', previousDueAt: t.state.sla.resolution!.dueAt } }, 11);
    t.run('AddComment', 70, { commentId: 'g1', visibility: 'public', author: 'guest', body: 'back' });
    t.run('ResolveTicket', 100, {});
    await sync();
    const before = await allRollups(store);
    const m = await metrics();
    expect(m.backlog.total).toBe(0);
    expect(m.resolution).toMatchObject({ count: 1, averageMinutes: 100, excludingPauses: { averageMinutes: 40 } });
    expect(m.sla.resolution).toEqual({ met: 1, breached: 0, compliancePercent: 100 });
    expect(m.firstContactResolution.firstContact).toBe(0);
    // replaying the whole log changes nothing (facts guard by global position)
    await store.transaction(async (session) => {
      for (const event of log.events) await projectTicketMetricsEvent(event, session);
    });
    expect(await allRollups(store)).toEqual(before);
  });

  it('moves the backlog with a referral; delegation keeps first contact, referral and escalation break it', async () => {
    const { log, sync, metrics } = setup();
    const referred = openTicket(log, TENANT, 'r', 0, { assigneeId: 'agent-1' });
    const delegated = openTicket(log, TENANT, 'd', 0, { assigneeId: 'agent-1' });
    const escalated = openTicket(log, TENANT, 'e', 0, { assigneeId: 'agent-1' });
    delegated.run('DelegateTicket', 5, { fromAssigneeId: 'agent-1', toAssigneeId: 'agent-2' });
    escalated.run('EscalateTicket', 5, { toAssigneeId: 'manager-1', note: 'VIP Ana Silva' });
    referred.run('ReferTicket', 5, { toQueueId: 'housekeeping', note: 'towels' });
    await sync();
    const byQueue = await metrics({ groupBy: 'queue' });
    expect(byQueue.groups!.map((g) => [g.key, g.backlog.total, g.backlog.byStatus.open])).toEqual([
      ['front-desk', 2, 0],
      ['housekeeping', 1, 1],
    ]);
    expect((await metrics({ queueId: 'housekeeping' })).opened.total).toBe(0); // opened in front-desk
    referred.run('AssignTicket', 10, { assigneeId: 'hk-1' });
    for (const t of [referred, delegated, escalated]) t.run('ResolveTicket', 20, {});
    await sync();
    const m = await metrics();
    expect(m.firstContactResolution).toEqual({ resolved: 3, firstContact: 1, percent: 33.3 });
    expect((await metrics({ queueId: 'housekeeping' })).resolved).toBe(1);
    expect(isFirstContact(delegated.state, { waitedOnGuest: false, referred: false, publicStaffReplies: 2 })).toBe(false);
  });

  it('counts complaints by type (reclassified on the day first recorded), recovery per currency and satisfaction', async () => {
    const { log, sync, metrics, store } = setup();
    const one = openTicket(log, TENANT, 'one', 0, { kind: 'complaint', guestId: 'g-1', assigneeId: 'agent-1', complaint: { complaintType: 'noise', severity: 'high', details: 'Ana Silva heard a party' } });
    one.run('RecordComplaint', DAY, { complaintType: 'cleanliness', severity: 'medium' });
    one.run('GiveRecovery', DAY, { recoveryId: 'r1', action: 'refund', value: { currency: 'EUR', minor: 5000 }, note: 'sorry Ana Silva' });
    one.run('GiveRecovery', DAY, { recoveryId: 'r2', action: 'voucher', value: { currency: 'EUR', minor: 2500 } });
    one.run('GiveRecovery', DAY, { recoveryId: 'r3', action: 'points', points: 500 });
    one.run('ResolveTicket', DAY + 10, {});
    one.run('RecordSatisfaction', DAY + 20, { score: 4, comment: 'Ana Silva was happy' });
    const two = openTicket(log, TENANT, 'two', 0, { guestId: 'g-2', assigneeId: 'agent-1', brandId: 'restaurants', propertyId: 'porto-1' });
    two.run('RecordComplaint', 5, { complaintType: 'food', severity: 'low' });
    two.run('GiveRecovery', 6, { recoveryId: 'r1', action: 'refund', value: { currency: 'GBP', minor: 1000 } });
    two.run('GiveRecovery', 7, { recoveryId: 'r2', action: 'apology' });
    two.run('ResolveTicket', 10, {});
    two.run('RecordSatisfaction', 11, { score: 2 });
    two.run('ReopenTicket', 12, { reopenWindowHours: 1 });
    two.run('ResolveTicket', 13, {});
    two.run('RecordSatisfaction', 14, { score: 5 });
    await sync();

    const m = await metrics();
    expect(m.complaints).toEqual({ total: 2, byType: { cleanliness: 1, food: 1 }, bySeverity: { low: 1, medium: 1, high: 0, critical: 0 } });
    expect((await metrics({ from: MARCH_2, to: MARCH_2 })).complaints.byType).toEqual({ cleanliness: 1, food: 1 });
    expect(m.recovery).toEqual({
      count: 5,
      byAction: { apology: 1, refund: 2, upgrade: 0, points: 1, voucher: 1 },
      value: [
        { currency: 'EUR', minor: 7500 },
        { currency: 'GBP', minor: 1000 },
      ],
      points: 500,
    });
    expect(m.satisfaction).toEqual({ responses: 3, average: 3.67, byScore: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 } });
    expect((await metrics({ brandIds: ['hotels'] })).recovery.value).toEqual([{ currency: 'EUR', minor: 7500 }]);
    // nothing personal in any fact or rollup
    const text = JSON.stringify([await allRollups(store), (await store.forTenant(TENANT).find(ticketMetricFacts, undefined, { limit: 100 })).items]);
    for (const personal of [...PERSONAL_TEXTS, 'party', 'sorry', 'happy']) expect(text).not.toContain(personal);
  });

  it('writes the same documents whatever the batch boundaries (one event at a time, or batches of 3, 7 or all)', async () => {
    const log = new EventLog();
    for (const [i, tenantId] of ['t1', 't2', 't1', 't1'].entries()) {
      const t = openTicket(log, tenantId, `k${i}`, i * 300, { firstResponseMinutes: 20, resolutionMinutes: 120, assigneeId: 'agent-1', guestId: `g${i}` });
      t.run('RecordComplaint', i * 300 + 1, { complaintType: 'noise', severity: 'low' });
      t.run('RecordComplaint', i * 300 + 2, { complaintType: 'staff', severity: 'low' });
      t.run('AddComment', i * 300 + 5, { commentId: 'c', visibility: 'public', author: 'staff', body: 'hi' });
      t.run('ResolveTicket', i * 300 + 30, {});
      t.run('ReopenTicket', i * 300 + 40, { reopenWindowHours: 1 });
      t.run('ReferTicket', i * 300 + 41, { toQueueId: 'spa' });
      t.run('AssignTicket', i * 300 + 42, { assigneeId: 'agent-2' });
      t.run('StartWork', i * 300 + 43, {});
      t.run('WaitOnGuest', i * 300 + 44, {});
      t.run('AddComment', i * 300 + 45, { commentId: 'g', visibility: 'public', author: 'guest', body: 'back' }); // + TicketResumed
      t.run('ResolveTicket', i * 300 + DAY, {});
      t.run('RecordSatisfaction', i * 300 + DAY + 1, { score: 1 + i });
    }
    /** Applies the first `singles` events one by one, then the rest in batches of `size`. */
    const build = async (size: number, singles = 0, events = log.events) => {
      const store = createMemoryDocumentStore();
      for (const event of events.slice(0, singles)) await store.transaction((session) => projectTicketMetricsBatch([event], session));
      for (let i = singles; i < events.length; i += size) {
        await store.transaction((session) => projectTicketMetricsBatch(events.slice(i, i + size), session), { writeBehind: true });
      }
      return [
        await contentHash(store, ticketMetricFacts, ['t1', 't2']),
        await contentHash(store, ticketMetricRollups, ['t1', 't2']),
        await ticketMetrics(store, 't1', { brandIds: 'all', groupBy: 'queue' }),
      ];
    };
    const reference = await build(1);
    expect((reference[2] as { resolved: number }).resolved).toBe(3);
    for (const size of [3, 7, log.events.length]) expect(await build(size)).toEqual(reference);
    // a batch of exactly wait + guest reply + resume: the backlog cell moves and comes back within one batch
    const wait = log.events.findIndex((e) => e.type === 'TicketWaitingOnGuest');
    expect(log.events.slice(wait, wait + 3).map((e) => e.type)).toEqual(['TicketWaitingOnGuest', 'TicketCommented', 'TicketResumed']);
    expect(await build(3, wait)).toEqual(reference);
    const upToResume = log.events.slice(0, wait + 3);
    expect(await build(3, wait, upToResume)).toEqual(await build(1, 0, upToResume));
  });

  it('ignores unknown event types, events of unknown tickets and other tenants', async () => {
    const { log, sync, metrics, store } = setup();
    const t = openTicket(log, TENANT, 't', 0);
    openTicket(log, 'other', 'x', 0);
    await sync();
    const stray: StoredEvent = { ...log.events[0]!, type: 'TicketTeleported', globalPosition: 99_990 };
    const orphan: StoredEvent = { ...t.run('AssignTicket', 1, { assigneeId: 'a' })[0]!, globalPosition: 99_995, data: { ...(log.events[0]!.data as object), ticketId: 'ghost' } };
    await store.transaction(async (session) => {
      await projectTicketMetricsEvent(stray, session);
      await projectTicketMetricsEvent({ ...orphan, type: 'TicketAssigned' }, session);
    });
    expect(await store.forTenant(TENANT).get(ticketMetricFacts, 'ghost')).toBeUndefined();
    expect((await metrics()).opened.total).toBe(1);
    expect((await ticketMetrics(store, 'other', { brandIds: 'all' })).opened.total).toBe(1);
    expect((await ticketMetrics(store, 'nobody', { brandIds: 'all' })).opened.total).toBe(0);
    expect(ticketMetricsPrefetch(log.events.slice(0, 1)).map((k) => [k.collection.name, k.id])).toEqual([['ticket_metric_facts', 't']]);
  });
});

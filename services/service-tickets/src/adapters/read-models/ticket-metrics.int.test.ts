/**
 * The reporting read models on PostgreSQL: the projection reads the raw event store while the service
 * writes through the crypto-shredding one; the metrics query answers from rollups; a rebuild from zero
 * gives identical facts and rollups (content hash) and the same answer.
 */
import { contentHash } from '@hearth/read-models';
import { eventually } from '@hearth/testing';
import type { TicketCommand } from '../../domain/ticket.decider';
import { usePostgresTicketReadModels } from './ticket-read-models.pg.test-helper';
import { ticketMetricFacts, ticketMetricRollups } from './ticket-metrics.collections';
import { createTicketMetricsProjection } from './ticket-metrics.projection';
import { ticketMetrics } from './ticket-metrics.query';

const TENANT = 'chain-a';
const T0 = Date.parse('2026-03-30T08:00:00.000Z');
const DAY = 24 * 60;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('ticket metrics on PostgreSQL', () => {
  const db = usePostgresTicketReadModels({ schemaPrefix: 'tickets_metrics', tenantId: TENANT, projection: (events, store) => createTicketMetricsProjection({ events, store, maxBatchSize: 7 }) });
  const { send } = db;

  const open = (ticketId: string, minute: number, extra: Partial<Extract<TicketCommand, { type: 'OpenTicket' }>> = {}, tenantId = TENANT) =>
    send(
      ticketId,
      {
        type: 'OpenTicket',
        at: at(minute),
        by: 'user:agent-1',
        ticketId,
        brandId: 'hotels',
        propertyId: 'lisbon-1',
        kind: 'complaint',
        channel: 'email',
        priority: 'normal',
        queueId: 'front-desk',
        subject: 'Ana Silva: noisy room',
        guestId: `guest-${ticketId}`,
        assigneeId: 'agent-1',
        complaint: { complaintType: 'noise', severity: 'high', details: 'Party next door' },
        sla: {
          'first-response': { policyId: 'p1', mode: 'calendar', minutes: 30, dueAt: at(minute + 30) },
          resolution: { policyId: 'p1', mode: 'calendar', minutes: 2 * DAY, dueAt: at(minute + 2 * DAY) },
        },
        ...extra,
      },
      tenantId,
    );
  const by = 'user:agent-1';

  it('answers the metrics from the rollups across a month boundary and rebuilds to identical read models', async () => {
    // 30 March: a (first response 10 min, resolved same day with a refund and a 5), b (breached first response, resolved 31 March after waiting)
    await open('a', 0);
    await send('a', { type: 'AddComment', at: at(10), by, commentId: 'c1', visibility: 'public', author: 'staff', body: 'Sorry Ana Silva' });
    await send('a', { type: 'GiveRecovery', at: at(20), by, recoveryId: 'r1', action: 'refund', value: { currency: 'EUR', minor: 4500 } });
    await send('a', { type: 'ResolveTicket', at: at(60), by });
    await send('a', { type: 'RecordSatisfaction', at: at(120), by: 'integration:survey', score: 5, comment: 'Ana Silva loved it' });
    await open('b', 0, { complaint: { complaintType: 'billing', severity: 'low' }, channel: 'phone' });
    await send('b', { type: 'RecordSlaBreach', at: at(31), by: 'service:sla', target: 'first-response', dueAt: at(30) });
    await send('b', { type: 'StartWork', at: at(40), by });
    await send('b', { type: 'AddComment', at: at(45), by, commentId: 'c1', visibility: 'public', author: 'staff', body: 'Checking the bill' });
    await send('b', { type: 'WaitOnGuest', at: at(50), by });
    await send('b', { type: 'AddComment', at: at(DAY), by: 'guest', commentId: 'c2', visibility: 'public', author: 'guest', body: 'Here it is' });
    await send('b', { type: 'ResolveTicket', at: at(DAY + 60), by });
    // 1 April: c stays open (backlog), d in another brand, and another tenant
    await open('c', 2 * DAY + 60, { complaint: { complaintType: 'noise', severity: 'medium' }, assigneeId: undefined });
    await open('d', 2 * DAY + 60, { brandId: 'restaurants', propertyId: 'porto-1', queueId: 'kitchen' });
    await open('x', 0, {}, 'chain-b');

    const head = (await db.events.readAll({ fromPosition: 0, limit: 1000 })).at(-1)!.globalPosition;
    await db.runner.waitForPosition(head, { timeoutMs: 15_000 });
    const query = { brandIds: ['hotels'], from: '2026-03-30', to: '2026-04-01' } as const;
    await eventually(async () => expect((await ticketMetrics(db.readModels, TENANT, query)).opened.total).toBe(3));
    const m = await ticketMetrics(db.readModels, TENANT, query);
    expect(m.opened).toMatchObject({ total: 3, byKind: { complaint: 3 }, byChannel: { email: 2, phone: 1 } });
    expect(m.backlog).toEqual({ total: 1, byStatus: { open: 1, assigned: 0, 'in-progress': 0, 'waiting-on-guest': 0 }, overdue: 0 });
    expect(m.resolved).toBe(2);
    expect(m.firstResponse).toMatchObject({ count: 2, averageMinutes: 27.5 });
    expect(m.resolution).toMatchObject({ count: 2, averageMinutes: (60 + DAY + 60) / 2, excludingPauses: { averageMinutes: (60 + (DAY + 60 - (DAY - 50))) / 2 } });
    expect(m.sla.firstResponse).toEqual({ met: 1, breached: 1, compliancePercent: 50 });
    expect(m.sla.resolution).toEqual({ met: 2, breached: 0, compliancePercent: 100 });
    expect(m.firstContactResolution).toEqual({ resolved: 2, firstContact: 1, percent: 50 });
    expect(m.complaints).toEqual({ total: 3, byType: { billing: 1, noise: 2 }, bySeverity: { low: 1, medium: 1, high: 1, critical: 0 } });
    expect(m.recovery.value).toEqual([{ currency: 'EUR', minor: 4500 }]);
    expect(m.satisfaction).toMatchObject({ responses: 1, average: 5 });
    // March alone is read from a month cell, the 1st of April from a day cell
    expect((await ticketMetrics(db.readModels, TENANT, { brandIds: 'all', from: '2026-03-01', to: '2026-03-31' })).resolved).toBe(2);
    expect((await ticketMetrics(db.readModels, TENANT, { brandIds: 'all', from: '2026-04-01', to: '2026-04-01' })).opened.total).toBe(2);
    expect((await ticketMetrics(db.readModels, TENANT, { brandIds: 'all', groupBy: 'queue' })).groups!.map((g) => [g.key, g.opened.total])).toEqual([
      ['front-desk', 3],
      ['kitchen', 1],
    ]);
    expect((await ticketMetrics(db.readModels, 'chain-b', { brandIds: 'all' })).opened.total).toBe(1);

    const { rows } = await db.pool.query<{ doc: string }>(`SELECT doc::text AS doc FROM "${db.schema}"."ticket_metric_facts" UNION ALL SELECT doc::text FROM "${db.schema}"."ticket_metric_rollups"`);
    for (const personal of ['Ana Silva', 'Party', 'Checking', 'Here it is', '$pii']) {
      expect({ personal, found: rows.some((r) => r.doc.includes(personal)) }).toEqual({ personal, found: false });
    }

    const tenants = [TENANT, 'chain-b'];
    const before = [await contentHash(db.readModels, ticketMetricFacts, tenants), await contentHash(db.readModels, ticketMetricRollups, tenants)];
    await db.runner.rebuild();
    expect([await contentHash(db.readModels, ticketMetricFacts, tenants), await contentHash(db.readModels, ticketMetricRollups, tenants)]).toEqual(before);
    expect(await ticketMetrics(db.readModels, TENANT, query)).toEqual(m);

    // live after the switch: c is assigned and answered; the backlog follows
    await send('c', { type: 'AssignTicket', at: at(2 * DAY + 70), by, assigneeId: 'agent-2' });
    await eventually(async () => expect((await ticketMetrics(db.readModels, TENANT, query)).backlog.byStatus.assigned).toBe(1));
  });
});

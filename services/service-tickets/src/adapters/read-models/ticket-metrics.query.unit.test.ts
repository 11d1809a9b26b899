import { createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import { RELATIVE_ERROR_BOUND } from './ticket-metrics.histogram';
import { projectTicketMetricsEvent } from './ticket-metrics.projection';
import { metricsValuesOf, periodSegments, ticketMetrics } from './ticket-metrics.query';
import { ticketMetricsFilterOf, ticketMetricsQuerySchema, ticketMetricsSchema, type TicketMetricsFilter } from './ticket-metrics.schemas';
import { BASE_MS, EventLog, openTicket } from './ticket-queue.test-helper';

const TENANT = 't1';
/** Minute offset of a UTC day at 10:00 (the base is 2026-03-02 08:00). */
const minuteOf = (day: string) => (Date.parse(`${day}T10:00:00.000Z`) - BASE_MS) / 60_000;

describe('period segments', () => {
  it('reads whole months from month cells and the partial ends from day cells', () => {
    expect(periodSegments()).toEqual([{ grain: 'month' }]);
    expect(periodSegments('2026-03-01', '2026-03-31')).toEqual([{ grain: 'month', from: '2026-03', to: '2026-03' }]);
    expect(periodSegments('2026-03-02', '2026-03-30')).toEqual([{ grain: 'day', from: '2026-03-02', to: '2026-03-30' }]);
    expect(periodSegments('2026-01-15', '2026-04-10')).toEqual([
      { grain: 'day', from: '2026-01-15', to: '2026-01-31' },
      { grain: 'day', from: '2026-04-01', to: '2026-04-10' },
      { grain: 'month', from: '2026-02', to: '2026-03' },
    ]);
    expect(periodSegments('2024-02-01', '2024-02-29')).toEqual([{ grain: 'month', from: '2024-02', to: '2024-02' }]);
    expect(periodSegments('2025-12-31', '2026-01-01')).toEqual([
      { grain: 'day', from: '2025-12-31', to: '2025-12-31' },
      { grain: 'day', from: '2026-01-01', to: '2026-01-01' },
    ]);
    expect(periodSegments('2026-03-15')).toEqual([
      { grain: 'day', from: '2026-03-15', to: '2026-03-31' },
      { grain: 'month', from: '2026-04', to: '9999-12' },
    ]);
    expect(periodSegments(undefined, '2026-03-15')).toEqual([
      { grain: 'day', from: '2026-03-01', to: '2026-03-15' },
      { grain: 'month', from: '0000-01', to: '2026-02' },
    ]);
    expect(periodSegments('2026-03-02', '2026-03-01')).toEqual([]);
  });
});

describe('ticket metrics query', () => {
  /** Tickets opened and resolved on known days, brands, properties and queues, in two tenants. */
  const opened: { id: string; day: string; brandId: string; propertyId?: string; queueId: string; frMinutes: number }[] = [];
  let store: DocumentStore;

  beforeAll(async () => {
    store = createMemoryDocumentStore();
    const log = new EventLog();
    const days = ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02', '2026-03-15', '2026-03-31', '2026-04-01', '2026-04-10', '2026-05-20'];
    let n = 0;
    for (const day of days) {
      for (const [brandId, propertyId, queueId] of [
        ['hotels', 'lisbon-1', 'front-desk'],
        ['hotels', 'porto-1', 'spa'],
        ['restaurants', undefined, 'front-desk'],
      ] as const) {
        n += 1;
        const frMinutes = 3 + ((n * 37) % 200); // spread from minutes to hours
        const id = `t${n}`;
        const t = openTicket(log, TENANT, id, minuteOf(day), { brandId, propertyId, queueId, assigneeId: 'agent-1' });
        t.run('RecordFirstResponse', minuteOf(day) + frMinutes, {});
        if (n % 3 !== 0) t.run('ResolveTicket', minuteOf(day) + frMinutes + 30, {});
        opened.push({ id, day, brandId, ...(propertyId ? { propertyId } : {}), queueId, frMinutes });
      }
    }
    openTicket(log, 'other-tenant', 'x1', minuteOf('2026-03-02'));
    await store.transaction(
      async (session) => {
        for (const event of log.events) await projectTicketMetricsEvent(event, session);
      },
      { writeBehind: true },
    );
  });

  const metrics = (filter: Partial<TicketMetricsFilter> = {}) => ticketMetrics(store, TENANT, { brandIds: 'all', ...filter });
  const expected = (pick: (t: (typeof opened)[number]) => boolean) => opened.filter(pick).length;

  it('counts exactly the days in range, whole months and partial ends alike', async () => {
    const ranges: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['2026-03-01', '2026-03-31'],
      ['2026-02-28', '2026-04-01'],
      ['2026-03-02', '2026-04-10'],
      ['2026-03-16', '2026-03-30'],
      ['2026-04-01', undefined],
      [undefined, '2026-03-01'],
      ['2026-06-01', '2026-06-30'],
    ];
    for (const [from, to] of ranges) {
      const m = await metrics({ ...(from ? { from } : {}), ...(to ? { to } : {}) });
      const inRange = (t: (typeof opened)[number]) => (from === undefined || t.day >= from) && (to === undefined || t.day <= to);
      expect({ from, to, opened: m.opened.total, firstResponses: m.firstResponse.count }).toEqual({ from, to, opened: expected(inRange), firstResponses: expected(inRange) });
    }
  });

  it('sums the same whether read from month cells or from day cells', async () => {
    const byMonth = await metrics({ from: '2026-03-01', to: '2026-03-31' });
    const byDays = [await metrics({ from: '2026-03-01', to: '2026-03-14' }), await metrics({ from: '2026-03-15', to: '2026-03-31' })];
    expect(byMonth.opened.total).toBe(byDays[0]!.opened.total + byDays[1]!.opened.total);
    expect(byMonth.resolved).toBe(byDays[0]!.resolved + byDays[1]!.resolved);
    expect(byMonth.firstResponse.averageMinutes).toBeCloseTo(
      (byDays[0]!.firstResponse.averageMinutes! * byDays[0]!.firstResponse.count + byDays[1]!.firstResponse.averageMinutes! * byDays[1]!.firstResponse.count) /
        byMonth.firstResponse.count,
      1,
    );
  });

  it('estimates first-response percentiles within the documented bound and averages exactly', async () => {
    const values = opened.map((t) => t.frMinutes).sort((a, b) => a - b);
    const m = await metrics();
    for (const [p, estimate] of [
      [0.5, m.firstResponse.p50Minutes],
      [0.9, m.firstResponse.p90Minutes],
    ] as const) {
      const truth = values[Math.ceil(p * values.length) - 1]!;
      expect(Math.abs(estimate! - truth)).toBeLessThanOrEqual(truth * RELATIVE_ERROR_BOUND + 0.005);
    }
    expect(m.firstResponse.averageMinutes).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 2);
  });

  it('narrows to visible brands, a brand, a property and a queue; keeps tenants apart', async () => {
    expect((await metrics({ brandIds: ['restaurants'] })).opened.total).toBe(expected((t) => t.brandId === 'restaurants'));
    expect((await metrics({ brandIds: ['hotels'], brandId: 'restaurants' })).opened.total).toBe(0);
    expect((await metrics({ brandIds: [] })).opened.total).toBe(0);
    expect((await metrics({ brandId: 'hotels' })).opened.total).toBe(expected((t) => t.brandId === 'hotels'));
    expect((await metrics({ propertyId: 'porto-1' })).opened.total).toBe(expected((t) => t.propertyId === 'porto-1'));
    expect((await metrics({ queueId: 'front-desk', brandIds: ['hotels', 'restaurants'] })).opened.total).toBe(expected((t) => t.queueId === 'front-desk'));
    const backlog = expected((t) => Number(t.id.slice(1)) % 3 === 0);
    expect((await metrics()).backlog.total).toBe(backlog);
    expect((await ticketMetrics(store, 'other-tenant', { brandIds: 'all' })).opened.total).toBe(1);
    expect((await ticketMetrics(store, 'other-tenant', { brandIds: 'all' })).backlog.total).toBe(1);
  });

  it('breaks the metrics down per brand, property or queue', async () => {
    const byProperty = await metrics({ groupBy: 'property', from: '2026-03-01', to: '2026-03-31' });
    expect(byProperty.groupBy).toBe('property');
    expect(byProperty.groups!.map((g) => [g.key, g.opened.total])).toEqual([
      ['lisbon-1', expected((t) => t.propertyId === 'lisbon-1' && t.day.startsWith('2026-03'))],
      ['porto-1', expected((t) => t.propertyId === 'porto-1' && t.day.startsWith('2026-03'))],
      [null, expected((t) => t.propertyId === undefined && t.day.startsWith('2026-03'))],
    ]);
    const byBrand = await metrics({ groupBy: 'brand' });
    expect(byBrand.groups!.reduce((sum, g) => sum + g.opened.total, 0)).toBe(byBrand.opened.total);
    expect(byBrand.groups!.reduce((sum, g) => sum + g.backlog.total, 0)).toBe(byBrand.backlog.total);
    expect((await metrics()).groups).toBeUndefined();
  });

  it('answers a schema-valid result, and refuses malformed dates', async () => {
    const m = await metrics({ from: '2026-03-01', to: '2026-03-31', groupBy: 'queue' });
    expect(ticketMetricsSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({ from: '2026-03-01', to: '2026-03-31', brandId: null, propertyId: null, queueId: null });
    await expect(metrics({ from: '2026-02-30' })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(metrics({ from: '2026-03-02', to: '2026-03-01' })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    expect(metricsValuesOf({}, {})).toMatchObject({ opened: { total: 0 }, firstResponse: { count: 0, p50Minutes: null }, sla: { overall: { compliancePercent: null } } });
  });

  it('reads the filter from a query string with the exported schema', () => {
    const query = ticketMetricsQuerySchema.parse({ brand: 'hotels', property: 'lisbon-1', queue: 'spa', from: '2026-03-01', to: '2026-03-31', groupBy: 'queue' });
    expect(ticketMetricsFilterOf(query, ['hotels'])).toEqual({ brandIds: ['hotels'], brandId: 'hotels', propertyId: 'lisbon-1', queueId: 'spa', from: '2026-03-01', to: '2026-03-31', groupBy: 'queue' });
    const bad = ticketMetricsQuerySchema.safeParse({ from: '2026-03-02', to: '2026-03-01' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(['to']);
    expect(ticketMetricsQuerySchema.safeParse({ from: '2026-13-01' }).success).toBe(false);
    expect(ticketMetricsQuerySchema.safeParse({ groupBy: 'guest' }).success).toBe(false);
  });
});

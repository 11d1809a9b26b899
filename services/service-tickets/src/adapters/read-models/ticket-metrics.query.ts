import { InvalidQueryError, type Condition, type DocumentStore, type Filter } from '@hearth/read-models';
import { COMPLAINT_SEVERITIES, RECOVERY_ACTIONS, TICKET_CHANNELS, TICKET_KINDS } from '../../domain/ticket.events';
import { ticketMetricRollups, type RollupGrain, type TicketMetricsRollupDocument } from './ticket-metrics.collections';
import { C, type Counters } from './ticket-metrics.facts';
import { percentileMinutes, roundMinutes } from './ticket-metrics.histogram';
import type { MetricsGrouping, TicketMetrics, TicketMetricsFilter, TicketMetricsValues } from './ticket-metrics.schemas';

/** One read of rollups: a grain over an inclusive period range (none: every period of the grain). */
export type PeriodSegment = { grain: Exclude<RollupGrain, 'backlog'>; from?: string; to?: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PAGE = 1000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

function shiftMonth(month: string, by: 1 | -1): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function checkDate(name: string, value: string | undefined): void {
  if (value === undefined) return;
  const match = DATE.exec(value);
  const valid = match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12 && Number(match[3]) >= 1 && Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]));
  if (!valid) throw new InvalidQueryError(ticketMetricRollups.name, `${name} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

/**
 * The rollup reads covering the inclusive day range: whole months from month cells, the partial months
 * at either end from day cells. A year reads 12 month cells per (brand, property, queue) plus at most
 * ~60 day cells, whatever the number of tickets.
 */
export function periodSegments(from?: string, to?: string): PeriodSegment[] {
  if (from === undefined && to === undefined) return [{ grain: 'month' }];
  const start = from ?? '0000-01-01';
  const end = to ?? '9999-12-31';
  if (start > end) return [];
  const startMonth = start.slice(0, 7);
  const endMonth = end.slice(0, 7);
  const startsMonth = start.endsWith('-01');
  const endsMonth = end === lastDayOf(endMonth);
  if (startMonth === endMonth) {
    return startsMonth && endsMonth ? [{ grain: 'month', from: startMonth, to: endMonth }] : [{ grain: 'day', from: start, to: end }];
  }
  const segments: PeriodSegment[] = [];
  let firstFull = startMonth;
  let lastFull = endMonth;
  if (!startsMonth) {
    segments.push({ grain: 'day', from: start, to: lastDayOf(startMonth) });
    firstFull = shiftMonth(startMonth, 1);
  }
  if (!endsMonth) {
    segments.push({ grain: 'day', from: `${endMonth}-01`, to: end });
    lastFull = shiftMonth(endMonth, -1);
  }
  if (firstFull <= lastFull) segments.push({ grain: 'month', from: firstFull, to: lastFull });
  return segments;
}

const oneOrAny = (values: readonly string[]): Condition => (values.length === 1 ? values[0]! : { $in: [...new Set(values)] });

/** Brand/property/queue conditions, or undefined when no visible brand can match. */
function narrowingOf(filter: TicketMetricsFilter): Record<string, Condition> | undefined {
  const where: Record<string, Condition> = {};
  if (filter.brandIds !== 'all') {
    if (filter.brandId !== undefined && !filter.brandIds.includes(filter.brandId)) return undefined;
    if (filter.brandId === undefined && filter.brandIds.length === 0) return undefined;
    where.brandId = filter.brandId ?? oneOrAny(filter.brandIds);
  } else if (filter.brandId !== undefined) {
    where.brandId = filter.brandId;
  }
  if (filter.propertyId !== undefined) where.propertyId = filter.propertyId;
  if (filter.queueId !== undefined) where.queueId = filter.queueId;
  return where;
}

function accumulate(into: Counters, counters: Readonly<Counters>): void {
  for (const [name, n] of Object.entries(counters)) into[name] = (into[name] ?? 0) + n;
}

function histogramOf(counters: Readonly<Counters>, prefix: string): Map<number, number> {
  const histogram = new Map<number, number>();
  for (const [name, n] of Object.entries(counters)) if (name.startsWith(prefix)) histogram.set(Number(name.slice(prefix.length)), n);
  return histogram;
}

function countsOf<T extends string>(counters: Readonly<Counters>, prefix: string, values: readonly T[]): Record<T, number> {
  return Object.fromEntries(values.map((v) => [v, counters[prefix + v] ?? 0])) as Record<T, number>;
}

function suffixed(counters: Readonly<Counters>, prefix: string): [string, number][] {
  return Object.entries(counters)
    .filter(([name, n]) => name.startsWith(prefix) && n !== 0)
    .map(([name, n]): [string, number] => [name.slice(prefix.length), n])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
const averageMinutes = (seconds: number, n: number): number | null => (n > 0 ? roundMinutes(seconds / n / 60) : null);

function sla(counters: Readonly<Counters>, target: 'fr' | 'res'): { met: number; breached: number; compliancePercent: number | null } {
  const met = counters[C.sla(target, 'met')] ?? 0;
  const breached = counters[C.sla(target, 'breached')] ?? 0;
  return { met, breached, compliancePercent: percent(met, met + breached) };
}

/** The metrics of summed period counters and summed backlog counters. */
export function metricsValuesOf(range: Readonly<Counters>, backlog: Readonly<Counters>): TicketMetricsValues {
  const get = (name: string) => range[name] ?? 0;
  const resolved = get(C.resolved);
  const frCount = get(C.frCount);
  const fr = sla(range, 'fr');
  const res = sla(range, 'res');
  const csat = get(C.csatCount);
  return {
    backlog: {
      total: backlog[C.active] ?? 0,
      byStatus: countsOf(backlog, C.activeStatus, ['open', 'assigned', 'in-progress', 'waiting-on-guest'] as const),
      overdue: backlog[C.overdue] ?? 0,
    },
    opened: { total: get(C.opened), byKind: countsOf(range, C.openedKind, TICKET_KINDS), byChannel: countsOf(range, C.openedChannel, TICKET_CHANNELS) },
    resolved,
    reopened: get(C.reopened),
    firstResponse: {
      count: frCount,
      p50Minutes: percentileMinutes(histogramOf(range, C.frBucket), 0.5),
      p90Minutes: percentileMinutes(histogramOf(range, C.frBucket), 0.9),
      averageMinutes: averageMinutes(get(C.frSeconds), frCount),
    },
    resolution: {
      count: resolved,
      p50Minutes: percentileMinutes(histogramOf(range, C.resBucket), 0.5),
      p90Minutes: percentileMinutes(histogramOf(range, C.resBucket), 0.9),
      averageMinutes: averageMinutes(get(C.resSeconds), resolved),
      excludingPauses: {
        p50Minutes: percentileMinutes(histogramOf(range, C.resNetBucket), 0.5),
        p90Minutes: percentileMinutes(histogramOf(range, C.resNetBucket), 0.9),
        averageMinutes: averageMinutes(get(C.resNetSeconds), resolved),
      },
    },
    sla: {
      firstResponse: fr,
      resolution: res,
      overall: { met: fr.met + res.met, breached: fr.breached + res.breached, compliancePercent: percent(fr.met + res.met, fr.met + res.met + fr.breached + res.breached) },
    },
    firstContactResolution: { resolved, firstContact: get(C.firstContact), percent: percent(get(C.firstContact), resolved) },
    complaints: {
      total: get(C.complaints),
      byType: Object.fromEntries(suffixed(range, C.complaintType)),
      bySeverity: countsOf(range, C.complaintSeverity, COMPLAINT_SEVERITIES),
    },
    recovery: {
      count: get(C.recoveries),
      byAction: countsOf(range, C.recoveryAction, RECOVERY_ACTIONS),
      value: suffixed(range, C.recoveryValue).map(([currency, minor]) => ({ currency, minor })),
      points: get(C.recoveryPoints),
    },
    satisfaction: {
      responses: csat,
      average: csat > 0 ? Math.round((get(C.csatSum) / csat) * 100) / 100 : null,
      byScore: countsOf(range, C.csatScore, ['1', '2', '3', '4', '5'] as const),
    },
  };
}

function groupKeyOf(doc: TicketMetricsRollupDocument, groupBy: MetricsGrouping): string | null {
  return groupBy === 'queue' ? doc.queueId : groupBy === 'brand' ? doc.brandId : doc.propertyId;
}

/**
 * Ticket metrics for the filter: backlog now, and for the UTC days `from`…`to` (inclusive; open ends
 * allowed) volumes, first-response and resolution times (p50/p90 from summed histograms, exact means),
 * SLA compliance, first-contact resolution, complaints by type and severity, recovery given and average
 * satisfaction; with `groupBy`, the same per queue, brand or property. Tenant-scoped; only the visible
 * brands (`brandIds`) are read. Reads rollup documents only: month cells for whole months, day cells for
 * the partial months at the ends, so the cost does not grow with the number of tickets.
 * A malformed day or `from` after `to` throws `InvalidQueryError` (`INVALID_QUERY`).
 */
export async function ticketMetrics(store: DocumentStore, tenantId: string, filter: TicketMetricsFilter): Promise<TicketMetrics> {
  checkDate('from', filter.from);
  checkDate('to', filter.to);
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
    throw new InvalidQueryError(ticketMetricRollups.name, 'to must not be before from');
  }
  const range: Counters = {};
  const backlog: Counters = {};
  const groups = new Map<string, { key: string | null; range: Counters; backlog: Counters }>();
  const add = (doc: TicketMetricsRollupDocument, part: 'range' | 'backlog') => {
    accumulate(part === 'range' ? range : backlog, doc.counters);
    if (!filter.groupBy) return;
    const key = groupKeyOf(doc, filter.groupBy);
    const mapKey = JSON.stringify(key);
    let group = groups.get(mapKey);
    if (!group) {
      group = { key, range: {}, backlog: {} };
      groups.set(mapKey, group);
    }
    accumulate(group[part], doc.counters);
  };

  const narrowing = narrowingOf(filter);
  if (narrowing) {
    const docs = store.forTenant(tenantId);
    const readAll = async (where: Filter, part: 'range' | 'backlog') => {
      let cursor: string | undefined;
      do {
        const page = await docs.find(ticketMetricRollups, where, { sort: { field: 'period' }, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
        for (const doc of page.items) add(doc, part);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    };
    for (const segment of periodSegments(filter.from, filter.to)) {
      const period: Condition | undefined = segment.from !== undefined && segment.to !== undefined ? { $gte: segment.from, $lte: segment.to } : undefined;
      await readAll({ ...narrowing, grain: segment.grain, ...(period !== undefined ? { period } : {}) }, 'range');
    }
    await readAll({ ...narrowing, grain: 'backlog' }, 'backlog');
  }

  const result: TicketMetrics = {
    from: filter.from ?? null,
    to: filter.to ?? null,
    brandId: filter.brandId ?? null,
    propertyId: filter.propertyId ?? null,
    queueId: filter.queueId ?? null,
    groupBy: filter.groupBy ?? null,
    ...metricsValuesOf(range, backlog),
  };
  if (filter.groupBy) {
    result.groups = [...groups.values()]
      .sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1))
      .map((group) => ({ key: group.key, ...metricsValuesOf(group.range, group.backlog) }));
  }
  return result;
}

import { z } from 'zod';
import { ACTIVE_STATUSES, COMPLAINT_SEVERITIES, RECOVERY_ACTIONS, TICKET_CHANNELS, TICKET_KINDS } from '../../domain/ticket.events';

/**
 * Zod schemas of the metrics endpoint (`GET /v1/tickets/metrics`): the query string, the typed filter
 * of `ticketMetrics`, and the result (`ticketMetricsSchema`, for the OpenAPI response).
 */

const count = () => z.number().int().nonnegative();
const countsBy = <T extends string>(values: readonly [T, ...T[]]) => z.record(z.enum(values), count());
const minutes = () => z.number().nonnegative().nullable();

const durationSchema = z.object({
  count: count().describe('Durations measured in the period'),
  p50Minutes: minutes().describe('Median, estimated from fixed buckets (within 4.5 % for durations of a minute or more; see README)'),
  p90Minutes: minutes().describe('90th percentile, estimated like the median'),
  averageMinutes: minutes().describe('Exact mean'),
});

const slaSchema = z.object({
  met: count(),
  breached: count(),
  compliancePercent: z.number().nullable().describe('met / (met + breached) × 100, one decimal; null when no target was decided'),
});

const ACTIVE = ACTIVE_STATUSES as readonly string[] as readonly ['open', 'assigned', 'in-progress', 'waiting-on-guest'];
const SCORES = ['1', '2', '3', '4', '5'] as const;

/** The metrics of one slice (the whole filter, or one group of it). */
export const ticketMetricsValuesSchema = z.object({
  backlog: z
    .object({
      total: count().describe('Tickets active now (open, assigned, in progress, waiting on guest); ignores from/to'),
      byStatus: countsBy(ACTIVE),
      overdue: count().describe('Active tickets with a breached SLA target still unmet'),
    })
    .describe('Current state, not the period'),
  opened: z.object({ total: count(), byKind: countsBy(TICKET_KINDS), byChannel: countsBy(TICKET_CHANNELS) }).describe('Tickets opened in the period'),
  resolved: count().describe('Tickets whose last resolution falls in the period (a reopened ticket counts when resolved again)'),
  reopened: count().describe('Reopens in the period'),
  firstResponse: durationSchema.describe('Calendar time from opening to the first response, for first responses in the period'),
  resolution: durationSchema
    .extend({
      excludingPauses: z
        .object({ p50Minutes: minutes(), p90Minutes: minutes(), averageMinutes: minutes() })
        .describe('The same without the time spent waiting on the guest or resolved before a reopen'),
    })
    .describe('Calendar time from opening to the (last) resolution, for resolutions in the period'),
  sla: z
    .object({ firstResponse: slaSchema, resolution: slaSchema, overall: slaSchema })
    .describe('SLA targets decided in the period: met when achieved in time, breached when the domain recorded SlaBreached'),
  firstContactResolution: z
    .object({ resolved: count(), firstContact: count(), percent: z.number().nullable() })
    .describe('Resolved without waiting on the guest, referral, reopen or escalation, with at most one public staff reply'),
  complaints: z
    .object({ total: count(), byType: z.record(z.string(), count()), bySeverity: countsBy(COMPLAINT_SEVERITIES) })
    .describe('Complaints first recorded in the period (type and severity as last recorded)'),
  recovery: z
    .object({
      count: count(),
      byAction: countsBy(RECOVERY_ACTIONS),
      value: z.array(z.object({ currency: z.string(), minor: count() })).describe('Total value given, per currency, in minor units'),
      points: count(),
    })
    .describe('Service recovery given in the period'),
  satisfaction: z
    .object({ responses: count(), average: z.number().nullable().describe('Mean score 1–5, two decimals'), byScore: countsBy(SCORES) })
    .describe('Satisfaction responses recorded in the period'),
});

export type TicketMetricsValues = z.infer<typeof ticketMetricsValuesSchema>;

export const METRICS_GROUPINGS = ['queue', 'brand', 'property'] as const;
export type MetricsGrouping = (typeof METRICS_GROUPINGS)[number];

/** The result of `ticketMetrics` (and the body of `GET /v1/tickets/metrics`). */
export const ticketMetricsSchema = ticketMetricsValuesSchema
  .extend({
    from: z.string().nullable().describe('First day (UTC) of the period, inclusive; null: since the beginning'),
    to: z.string().nullable().describe('Last day (UTC) of the period, inclusive; null: up to now'),
    brandId: z.string().nullable(),
    propertyId: z.string().nullable(),
    queueId: z.string().nullable(),
    groupBy: z.enum(METRICS_GROUPINGS).nullable(),
    groups: z
      .array(ticketMetricsValuesSchema.extend({ key: z.string().nullable().describe('The queue, brand or property id (null: tickets without a property)') }))
      .optional()
      .describe('With groupBy: the same metrics per queue, brand or property'),
  })
  .meta({ id: 'TicketMetrics' });

export type TicketMetrics = z.infer<typeof ticketMetricsSchema>;

/** What `ticketMetrics` reports on (conditions combined with AND). */
export type TicketMetricsFilter = {
  /** Brands the caller may see, or `'all'`. An empty list sees nothing. */
  brandIds: readonly string[] | 'all';
  brandId?: string;
  propertyId?: string;
  queueId?: string;
  /** First UTC day, `YYYY-MM-DD`, inclusive. */
  from?: string;
  /** Last UTC day, `YYYY-MM-DD`, inclusive. */
  to?: string;
  groupBy?: MetricsGrouping;
};

const id = () => z.string().min(1).max(200);

/** Query string of `GET /v1/tickets/metrics`. */
export const ticketMetricsQuerySchema = z
  .object({
    brand: id().optional().describe('Brand id (must be visible to the caller)'),
    property: id().optional().describe('Property id'),
    queue: id().optional().describe('Queue id'),
    from: z.iso.date().optional().describe('First day (UTC), YYYY-MM-DD, inclusive'),
    to: z.iso.date().optional().describe('Last day (UTC), YYYY-MM-DD, inclusive'),
    groupBy: z.enum(METRICS_GROUPINGS).optional().describe('Also report per queue, brand or property'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'to must not be before from', path: ['to'] });

export type TicketMetricsQuery = z.output<typeof ticketMetricsQuerySchema>;

/** The filter of `ticketMetrics` for a validated query string and the caller's visible brands. */
export function ticketMetricsFilterOf(query: TicketMetricsQuery, brandIds: readonly string[] | 'all'): TicketMetricsFilter {
  return {
    brandIds,
    ...(query.brand !== undefined ? { brandId: query.brand } : {}),
    ...(query.property !== undefined ? { propertyId: query.property } : {}),
    ...(query.queue !== undefined ? { queueId: query.queue } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.groupBy !== undefined ? { groupBy: query.groupBy } : {}),
  };
}

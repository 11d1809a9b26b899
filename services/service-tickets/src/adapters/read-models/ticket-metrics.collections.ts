import { defineCollection, type BaseDocument } from '@hearth/read-models';
import type { TicketFact } from './ticket-metrics.facts';

/**
 * The reporting read models, filled by the `service-tickets--metrics` projection:
 *
 * - `ticket_metric_facts`: one document per ticket (id = ticketId): its reporting facts (durations,
 *   SLA outcomes, complaint, recoveries, satisfaction, first-contact flags) and the folded domain state.
 *   Never queried: it is the projection's memory of what each ticket contributed, so that a change can
 *   be retracted exactly.
 * - `ticket_metric_rollups`: counters per (grain, period, brand, property, queue): `day` cells
 *   (`YYYY-MM-DD`, UTC), `month` cells (`YYYY-MM`, the same counts summed by month, so a long range reads
 *   a few documents per month instead of one per day) and `backlog` cells (period `current`: tickets
 *   active now). Counters include fixed-bucket duration histograms for percentiles.
 */

export type TicketMetricsFactDocument = BaseDocument & { fact: TicketFact };

export const RollupGrains = ['day', 'month', 'backlog'] as const;
export type RollupGrain = (typeof RollupGrains)[number];

export type TicketMetricsRollupDocument = BaseDocument & {
  grain: RollupGrain;
  /** `YYYY-MM-DD` (day), `YYYY-MM` (month) or `current` (backlog). */
  period: string;
  brandId: string;
  propertyId: string | null;
  queueId: string;
  /** Flat counters (names in ticket-metrics.facts.ts `C`), zero entries left out. */
  counters: Record<string, number>;
};

export const ticketMetricFacts = defineCollection<TicketMetricsFactDocument>({ name: 'ticket_metric_facts' });

/**
 * Queries always fix the grain and read a period range (or the backlog), optionally narrowed to a brand
 * (or visible brands), a property and/or a queue: one index per narrowing, period last for the range.
 */
export const ticketMetricRollups = defineCollection<TicketMetricsRollupDocument>({
  name: 'ticket_metric_rollups',
  fields: { grain: 'string', period: 'string', brandId: 'string', propertyId: 'string', queueId: 'string' },
  indexes: [
    { fields: ['grain', 'period'] },
    { fields: ['grain', 'brandId', 'period'] },
    { fields: ['grain', 'propertyId', 'period'] },
    { fields: ['grain', 'queueId', 'period'] },
  ],
});

/** Every collection the metrics projection writes (for `ensureCollections` and `rebuild()`). */
export const TICKET_METRICS_COLLECTIONS = [ticketMetricFacts, ticketMetricRollups] as const;

/** The id of a rollup cell: unambiguous whatever characters the ids contain. */
export function rollupIdOf(cell: { grain: RollupGrain; period: string; brandId: string; propertyId: string | null; queueId: string }): string {
  return JSON.stringify([cell.grain, cell.period, cell.brandId, cell.propertyId, cell.queueId]);
}

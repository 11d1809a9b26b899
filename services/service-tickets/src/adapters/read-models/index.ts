import { TICKET_METRICS_COLLECTIONS } from './ticket-metrics.collections';
import { TICKET_QUEUE_COLLECTIONS } from './ticket-queue.collections';

// Unified queue
export { ticketQueue, TICKET_QUEUE_COLLECTIONS } from './ticket-queue.collections';
export type { TicketQueueDocument } from './ticket-queue.collections';
export { createTicketQueueProjection, projectTicketQueueEvent, queueDocumentOf, TICKET_QUEUE_PROJECTION, urgencySortKey } from './ticket-queue.projection';
export type { TicketReadModelProjectionOptions } from './ticket-queue.projection';
export { listTicketQueue, queueItemOf } from './ticket-queue.query';
export { queueItemSchema, ticketQueuePageSchema, ticketQueueQuerySchema, ticketQueueRequestOf, UNASSIGNED } from './ticket-queue.schemas';
export type { QueueItem, TicketQueueFilter, TicketQueuePage, TicketQueuePageOptions, TicketQueueQuery } from './ticket-queue.schemas';
export { TICKET_CATEGORY } from './ticket-queue.fold';

// Reporting
export { ticketMetricFacts, ticketMetricRollups, TICKET_METRICS_COLLECTIONS } from './ticket-metrics.collections';
export type { TicketMetricsFactDocument, TicketMetricsRollupDocument } from './ticket-metrics.collections';
export { createTicketMetricsProjection, projectTicketMetricsBatch, projectTicketMetricsEvent, TICKET_METRICS_PROJECTION } from './ticket-metrics.projection';
export { ticketMetrics } from './ticket-metrics.query';
export {
  METRICS_GROUPINGS,
  ticketMetricsFilterOf,
  ticketMetricsQuerySchema,
  ticketMetricsSchema,
  ticketMetricsValuesSchema,
} from './ticket-metrics.schemas';
export type { MetricsGrouping, TicketMetrics, TicketMetricsFilter, TicketMetricsQuery, TicketMetricsValues } from './ticket-metrics.schemas';
export { RELATIVE_ERROR_BOUND } from './ticket-metrics.histogram';

/** Every collection of the queue and reporting read models, for `store.ensureCollections()` at start. */
export const TICKET_READ_MODEL_COLLECTIONS = [...TICKET_QUEUE_COLLECTIONS, ...TICKET_METRICS_COLLECTIONS] as const;

import { route, type RouteDefinition } from '@hearth/http';
import type { DocumentStore } from '@hearth/read-models';
import { ticketAccess } from '../../app/ticket-access';
import type { TicketsContext } from '../../app/tickets-context';
import {
  listTicketQueue,
  ticketMetrics,
  ticketMetricsFilterOf,
  ticketMetricsQuerySchema,
  ticketMetricsSchema,
  ticketQueuePageSchema,
  ticketQueueQuerySchema,
  ticketQueueRequestOf,
} from '../read-models';
import { brandHeaderSchema, METRICS_ROLES, STAFF_ROLES } from './request-scope';

const TAGS = ['tickets'];

/** The brands a caller may see, as the read-model queries take them. */
const visibleBrandIds = (visible: ReadonlySet<string> | 'all'): readonly string[] | 'all' => (visible === 'all' ? 'all' : [...visible]);

/**
 * `GET /v1/tickets` (the unified queue) and `GET /v1/tickets/metrics` (reporting), over the read models
 * of `adapters/read-models` (eventually consistent: a change shows up within milliseconds).
 */
export function queueRoutes({ ctx, readModels }: { ctx: TicketsContext; readModels: DocumentStore }): RouteDefinition[] {
  return [
    route(
      {
        method: 'get',
        path: '/v1/tickets',
        summary: 'The unified ticket queue',
        description:
          'One list across channels of the tickets the caller may see, filterable by queue, status, priority, brand, property, assignee and due time, sorted by urgency (due soonest first, overdue first; nothing due last; then priority and age), cursor-paged. Active tickets only unless `status` or `includeClosed` says otherwise. No personal text: open a ticket for it.',
        tags: TAGS,
        roles: STAFF_ROLES,
        query: ticketQueueQuerySchema,
        headers: brandHeaderSchema,
        responses: { 200: { description: 'A page of the queue', body: ticketQueuePageSchema } },
      },
      async ({ actor, query, headers }) => {
        const access = await ticketAccess(ctx, { tenantId: actor.tenantId, brands: actor.brands, actingBrandId: headers['x-brand-id'] });
        const { filter, page } = ticketQueueRequestOf(query, visibleBrandIds(access.visibleBrands));
        return { status: 200, body: await listTicketQueue(readModels, actor.tenantId, filter, page) };
      },
    ),
    route(
      {
        method: 'get',
        path: '/v1/tickets/metrics',
        summary: 'Ticket reporting: backlog, response and resolution times, SLA compliance, first-contact resolution, complaints, recovery value, satisfaction',
        description: 'Over the brands the caller may see, optionally one brand, property or queue, for UTC days from–to (inclusive); `groupBy` adds a breakdown.',
        tags: TAGS,
        roles: METRICS_ROLES,
        query: ticketMetricsQuerySchema,
        headers: brandHeaderSchema,
        responses: { 200: { description: 'The metrics', body: ticketMetricsSchema } },
      },
      async ({ actor, query, headers }) => {
        const access = await ticketAccess(ctx, { tenantId: actor.tenantId, brands: actor.brands, actingBrandId: headers['x-brand-id'] });
        return { status: 200, body: await ticketMetrics(readModels, actor.tenantId, ticketMetricsFilterOf(query, visibleBrandIds(access.visibleBrands))) };
      },
    ),
  ];
}

/** Active tickets assigned to an agent among the visible brands, from the queue read model (all pages). */
export function assignedTicketsFromQueue(readModels: DocumentStore) {
  return async (tenantId: string, assigneeId: string, visible: ReadonlySet<string> | 'all'): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTicketQueue(readModels, tenantId, { brandIds: visibleBrandIds(visible), assigneeId }, { limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
      ids.push(...page.items.map((item) => item.ticketId));
      cursor = page.nextCursor;
    } while (cursor !== undefined && ids.length < 10_000);
    return ids;
  };
}

import { z } from 'zod';
import { COMPLAINT_SEVERITIES, SLA_TARGETS, TICKET_CHANNELS, TICKET_KINDS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../domain/ticket.events';

/**
 * Zod schemas of the unified queue for the HTTP routes (request validation and the OpenAPI response),
 * and the typed filter the query function takes.
 */

const instant = () => z.iso.datetime({ offset: true });
const nullableInstant = () => z.string().nullable();

/** One ticket of the unified queue as the API shows it (ids, codes, times and SLA state; nothing personal). */
export const queueItemSchema = z
  .object({
    ticketId: z.string(),
    queueId: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.enum(TICKET_PRIORITIES),
    priorityRank: z.number().int().describe('0 (low) … 3 (urgent)'),
    kind: z.enum(TICKET_KINDS),
    channel: z.enum(TICKET_CHANNELS),
    category: z.string().nullable(),
    brandId: z.string(),
    propertyId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    guestId: z.string().nullable(),
    openedAt: z.string(),
    updatedAt: z.string().describe('Time of the last change'),
    firstRespondedAt: nullableInstant(),
    resolvedAt: nullableInstant(),
    dueAt: nullableInstant().describe(
      'When the ticket is next due: the earliest due time of its SLA targets still to be met while the SLA clock runs (in the past when overdue); null while waiting on the guest or when nothing is due',
    ),
    dueTarget: z.enum(SLA_TARGETS).nullable(),
    firstResponseDueAt: nullableInstant().describe('Due time of the first-response target while unmet'),
    resolutionDueAt: nullableInstant().describe('Due time of the resolution target while unmet'),
    firstResponseBreached: z.boolean(),
    resolutionBreached: z.boolean(),
    overdue: z.boolean().describe('Active with a breached SLA target still unmet'),
    slaPaused: z.boolean().describe('The SLA clock stands still (waiting on the guest, resolved)'),
    escalationLevel: z.number().int(),
    reopenCount: z.number().int(),
    complaintType: z.string().nullable(),
    complaintSeverity: z.enum(COMPLAINT_SEVERITIES).nullable(),
    streamVersion: z.number().int().describe('Version of the ticket stream (its ETag) as of this item'),
  })
  .meta({ id: 'TicketQueueItem' });

export type QueueItem = z.infer<typeof queueItemSchema>;

export const ticketQueuePageSchema = z
  .object({ items: z.array(queueItemSchema), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last') })
  .meta({ id: 'TicketQueuePage' });

export type TicketQueuePage = z.infer<typeof ticketQueuePageSchema>;

/** `assigneeId` value that lists tickets nobody is assigned to. */
export const UNASSIGNED = 'unassigned';

/** What `listTicketQueue` filters on (all conditions combined with AND). */
export type TicketQueueFilter = {
  /** Brands the caller may see, or `'all'` (chain-wide). An empty list sees nothing. */
  brandIds: readonly string[] | 'all';
  /** One brand (must be visible, else nothing matches). */
  brandId?: string;
  queueId?: string;
  /** Any of these statuses. Given, it replaces the default (active tickets only). */
  status?: readonly (typeof TICKET_STATUSES)[number][];
  /** Any of these priorities. */
  priority?: readonly (typeof TICKET_PRIORITIES)[number][];
  propertyId?: string;
  /** An assignee, or `'unassigned'`. */
  assigneeId?: string;
  /** Due strictly before this instant (overdue ones included); tickets with nothing due never match. */
  dueBefore?: string;
  /** Due at or after this instant. */
  dueAfter?: string;
  /** Without a status filter, also resolved and closed tickets (default false). */
  includeClosed?: boolean;
};

export type TicketQueuePageOptions = {
  /** `nextCursor` of the previous page of the same query. */
  cursor?: string;
  /** 1…100 (default 50; out-of-range values are clamped). */
  limit?: number;
};

const id = () => z.string().min(1).max(200);
const csvOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((value) => value.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(z.enum(values)).min(1).max(values.length));

/** Query string of `GET /v1/tickets/queue` (or wherever the routes serve the queue). */
export const ticketQueueQuerySchema = z.object({
  queue: id().optional().describe('Queue id'),
  status: csvOf(TICKET_STATUSES).optional().describe('Comma-separated statuses; default: open, assigned, in-progress, waiting-on-guest'),
  priority: csvOf(TICKET_PRIORITIES).optional().describe('Comma-separated priorities'),
  brand: id().optional().describe('Brand id (must be visible to the caller)'),
  property: id().optional().describe('Property id'),
  assignee: id().optional().describe(`Assignee id, or '${UNASSIGNED}'`),
  dueBefore: instant().optional().describe('Due strictly before this instant (overdue included)'),
  dueAfter: instant().optional().describe('Due at or after this instant'),
  includeClosed: z.stringbool().optional().describe('Also resolved and closed tickets (when no status is given)'),
  cursor: z.string().min(1).max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export type TicketQueueQuery = z.output<typeof ticketQueueQuerySchema>;

/** The arguments of `listTicketQueue` for a validated query string and the caller's visible brands. */
export function ticketQueueRequestOf(query: TicketQueueQuery, brandIds: readonly string[] | 'all'): { filter: TicketQueueFilter; page: TicketQueuePageOptions } {
  const filter: TicketQueueFilter = { brandIds };
  if (query.brand !== undefined) filter.brandId = query.brand;
  if (query.queue !== undefined) filter.queueId = query.queue;
  if (query.status !== undefined) filter.status = query.status;
  if (query.priority !== undefined) filter.priority = query.priority;
  if (query.property !== undefined) filter.propertyId = query.property;
  if (query.assignee !== undefined) filter.assigneeId = query.assignee;
  if (query.dueBefore !== undefined) filter.dueBefore = query.dueBefore;
  if (query.dueAfter !== undefined) filter.dueAfter = query.dueAfter;
  if (query.includeClosed !== undefined) filter.includeClosed = query.includeClosed;
  return { filter, page: { limit: query.limit, ...(query.cursor !== undefined ? { cursor: query.cursor } : {}) } };
}

import { InvalidQueryError, type Condition, type DocumentStore } from '@hearth/read-models';
import { ACTIVE_STATUSES } from '../../domain/ticket.events';
import { ticketQueue, type TicketQueueDocument } from './ticket-queue.collections';
import { DUE_GROUP, NO_DUE_GROUP } from './ticket-queue.projection';
import { UNASSIGNED, type QueueItem, type TicketQueueFilter, type TicketQueuePage, type TicketQueuePageOptions } from './ticket-queue.schemas';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;

/** The API view of a queue document (the fold state, tenant, version and sort key stay inside). */
export function queueItemOf(doc: TicketQueueDocument): QueueItem {
  return {
    ticketId: doc.id,
    queueId: doc.queueId,
    status: doc.status,
    priority: doc.priority,
    priorityRank: doc.priorityRank,
    kind: doc.kind,
    channel: doc.channel,
    category: doc.category,
    brandId: doc.brandId,
    propertyId: doc.propertyId,
    assigneeId: doc.assigneeId,
    guestId: doc.guestId,
    openedAt: doc.openedAt,
    updatedAt: doc.updatedAt,
    firstRespondedAt: doc.firstRespondedAt,
    resolvedAt: doc.resolvedAt,
    dueAt: doc.dueAt,
    dueTarget: doc.dueTarget,
    firstResponseDueAt: doc.firstResponseDueAt,
    resolutionDueAt: doc.resolutionDueAt,
    firstResponseBreached: doc.firstResponseBreached,
    resolutionBreached: doc.resolutionBreached,
    overdue: doc.overdue,
    slaPaused: doc.slaPaused,
    escalationLevel: doc.escalationLevel,
    reopenCount: doc.reopenCount,
    complaintType: doc.complaintType,
    complaintSeverity: doc.complaintSeverity,
    streamVersion: doc.streamVersion,
  };
}

function instantOf(name: string, value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidQueryError(ticketQueue.name, `${name} must be an ISO 8601 instant, got ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

const oneOrAny = (values: readonly string[]): Condition => (values.length === 1 ? values[0]! : { $in: [...new Set(values)] });

/**
 * The store filter of a queue filter, or undefined when nothing can match (no visible brand, a brand
 * outside the visible ones). Exported for tests.
 */
export function queueStoreFilter(filter: TicketQueueFilter): Record<string, Condition> | undefined {
  const where: Record<string, Condition> = {};
  if (filter.brandIds !== 'all') {
    if (filter.brandId !== undefined) {
      if (!filter.brandIds.includes(filter.brandId)) return undefined;
      where.brandId = filter.brandId;
    } else {
      if (filter.brandIds.length === 0) return undefined;
      where.brandId = oneOrAny(filter.brandIds);
    }
  } else if (filter.brandId !== undefined) {
    where.brandId = filter.brandId;
  }
  const active = ACTIVE_STATUSES as readonly string[];
  if (filter.status !== undefined && filter.status.length > 0) {
    where.status = oneOrAny(filter.status);
    // lets the (active, status, sortKey) index and the other active-led ones serve the query
    if (filter.status.every((s) => active.includes(s))) where.active = true;
    else if (filter.status.every((s) => !active.includes(s))) where.active = false;
  } else if (filter.includeClosed !== true) {
    where.active = true;
  }
  if (filter.priority !== undefined && filter.priority.length > 0) where.priority = oneOrAny(filter.priority);
  if (filter.queueId !== undefined) where.queueId = filter.queueId;
  if (filter.propertyId !== undefined) where.propertyId = filter.propertyId;
  if (filter.assigneeId !== undefined) where.assigneeId = filter.assigneeId === UNASSIGNED ? null : filter.assigneeId;
  if (filter.dueBefore !== undefined || filter.dueAfter !== undefined) {
    // due times lead the sort key of the tickets that have one, so a due window is a sort-key range
    const range: { $gte?: string; $lt?: string } = {};
    range.$gte = filter.dueAfter !== undefined ? `${DUE_GROUP}${instantOf('dueAfter', filter.dueAfter)}` : DUE_GROUP;
    range.$lt = filter.dueBefore !== undefined ? `${DUE_GROUP}${instantOf('dueBefore', filter.dueBefore)}` : NO_DUE_GROUP;
    where.sortKey = range;
  }
  return where;
}

/**
 * The unified queue: tickets of every channel matching the filter, most urgent first (due soonest,
 * overdue before all; then tickets with nothing due; ties by priority, then age), keyset-paged. Active
 * tickets only unless `includeClosed` or a status filter says otherwise. Tenant-scoped; an unknown or
 * foreign cursor throws the store's `InvalidCursorError` (`INVALID_CURSOR`, a 400), a malformed due
 * instant `InvalidQueryError` (`INVALID_QUERY`).
 */
export async function listTicketQueue(
  store: DocumentStore,
  tenantId: string,
  filter: TicketQueueFilter,
  page: TicketQueuePageOptions = {},
): Promise<TicketQueuePage> {
  const where = queueStoreFilter(filter);
  if (!where) return { items: [] };
  const asked = page.limit !== undefined && Number.isFinite(page.limit) ? Math.trunc(page.limit) : DEFAULT_LIMIT;
  const limit = Math.min(MAX_LIMIT, Math.max(1, asked));
  const found = await store.forTenant(tenantId).find(ticketQueue, where, {
    sort: { field: 'sortKey', direction: 'asc' },
    limit,
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  });
  return { items: found.items.map(queueItemOf), ...(found.nextCursor !== undefined ? { nextCursor: found.nextCursor } : {}) };
}

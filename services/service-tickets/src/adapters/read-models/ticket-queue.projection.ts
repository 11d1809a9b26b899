import type { EventStore, StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, eventStoreSource, type DocumentKey, type DocumentSession, type DocumentStore, type ProjectionRunner } from '@hearth/read-models';
import { isActive, priorityRank } from '../../domain/ticket.decider';
import { isSlaClockPaused } from '../../domain/ticket-sla';
import { SLA_TARGETS, TICKET_PRIORITIES, type SlaTarget } from '../../domain/ticket.events';
import { ticketQueue, TICKET_QUEUE_COLLECTIONS, type TicketQueueDocument } from './ticket-queue.collections';
import { foldTicket, ticketEventOf, TICKET_CATEGORY, utcInstant, type FoldedTicket } from './ticket-queue.fold';

/** Checkpoint name of the queue projection (also its metric and span label). */
export const TICKET_QUEUE_PROJECTION = 'service-tickets--queue';

/** Sort-key prefix of tickets with a due time; a due-time window is a range under it. */
export const DUE_GROUP = '0|';
/** Sort-key prefix of tickets with nothing due: after every ticket that has a due time. */
export const NO_DUE_GROUP = '1|';

/**
 * The queue's urgency order as one string, so that the store's single-field keyset pagination gives:
 * due soonest first (overdue ones, due in the past, before all), then tickets with nothing due; within
 * the same due time (or among those with none) the higher priority first, then the older ticket. The
 * document id breaks remaining ties. Instants are fixed-width UTC (`toISOString`), so string order is
 * time order.
 */
export function urgencySortKey(dueAt: string | null, rank: number, openedAt: string): string {
  const priorityDigit = String(TICKET_PRIORITIES.length - 1 - rank);
  return dueAt !== null ? `${DUE_GROUP}${dueAt}|${priorityDigit}|${openedAt}` : `${NO_DUE_GROUP}${priorityDigit}|${openedAt}`;
}

/** Whether a target is achieved (the decider's own rule: a first response recorded; resolved or closed). */
function targetMet(ticket: FoldedTicket, target: SlaTarget): boolean {
  if (target === 'first-response') return ticket.firstRespondedAt !== undefined;
  return ticket.status === 'resolved' || ticket.status === 'closed';
}

/** Recorded due time of a target still to be met (breached or not), or null. */
function unmetDueAt(ticket: FoldedTicket, target: SlaTarget): string | null {
  const terms = ticket.sla[target];
  if (!terms || targetMet(ticket, target)) return null;
  return utcInstant(terms.dueAt);
}

/**
 * The queue document of a folded ticket. The due time follows the domain (ticket-sla.ts): recorded due
 * times (moved by `SlaTargetRescheduled` after a pause), nothing due while the clock is paused (waiting
 * on the guest, resolved), a target no longer due once met (first response recorded, resolved). One
 * difference with `isTargetPending`: a breached target still unmet stays due (in the past), because the
 * work is still owed; the domain drops it only because it needs no further timer.
 */
export function queueDocumentOf(
  ticket: FoldedTicket,
  meta: { tenantId: string; version: number; streamVersion: number; updatedAt: string; category: string | null },
): TicketQueueDocument {
  const status = ticket.status === 'none' ? 'open' : ticket.status;
  const active = isActive(status);
  const paused = isSlaClockPaused({ ...ticket, commentIds: [], attachmentIds: [], recoveryIds: [] });
  const due = { 'first-response': unmetDueAt(ticket, 'first-response'), resolution: unmetDueAt(ticket, 'resolution') };
  let dueAt: string | null = null;
  let dueTarget: SlaTarget | null = null;
  if (active && !paused) {
    for (const target of SLA_TARGETS) {
      const at = due[target];
      if (at !== null && (dueAt === null || at < dueAt)) {
        dueAt = at;
        dueTarget = target;
      }
    }
  }
  const breached = (target: SlaTarget) => ticket.sla[target]?.breachedAt !== undefined;
  const overdue = active && SLA_TARGETS.some((target) => breached(target) && due[target] !== null);
  const openedAt = utcInstant(ticket.openedAt);
  const rank = priorityRank(ticket.priority);
  return {
    id: ticket.ticketId,
    tenantId: meta.tenantId,
    version: meta.version,
    queueId: ticket.queueId,
    status,
    active,
    priority: ticket.priority,
    priorityRank: rank,
    kind: ticket.kind,
    channel: ticket.channel,
    category: meta.category,
    brandId: ticket.brandId,
    propertyId: ticket.propertyId ?? null,
    assigneeId: ticket.assigneeId ?? null,
    guestId: ticket.guestId ?? null,
    openedAt,
    updatedAt: utcInstant(meta.updatedAt),
    firstRespondedAt: ticket.firstRespondedAt !== undefined ? utcInstant(ticket.firstRespondedAt) : null,
    resolvedAt: ticket.resolvedAt !== undefined ? utcInstant(ticket.resolvedAt) : null,
    dueAt,
    dueTarget,
    firstResponseDueAt: due['first-response'],
    resolutionDueAt: due.resolution,
    firstResponseBreached: breached('first-response'),
    resolutionBreached: breached('resolution'),
    overdue,
    slaPaused: paused,
    escalationLevel: ticket.escalationLevel,
    reopenCount: ticket.reopenCount,
    complaintType: ticket.complaint?.complaintType ?? null,
    complaintSeverity: ticket.complaint?.severity ?? null,
    streamVersion: meta.streamVersion,
    sortKey: urgencySortKey(dueAt, rank, openedAt),
    ticket,
  };
}

/**
 * Applies one stored event of a `ticket-<id>` stream to `ticket_queue`. Idempotent: an event at or
 * below the document's version (a replay) changes nothing. Events of a ticket whose opening was never
 * seen, and unknown event types, are ignored.
 */
export async function projectTicketQueueEvent(stored: StoredEvent, session: DocumentSession): Promise<void> {
  const event = ticketEventOf(stored);
  if (!event) return;
  const tenantId = stored.metadata.tenantId;
  const docs = session.forTenant(tenantId);
  const current = await docs.get(ticketQueue, event.data.ticketId);
  if (current && current.version >= stored.globalPosition) return;
  if (!current && event.type !== 'TicketOpened') return;
  const ticket = foldTicket(current?.ticket, event);
  // the category is not part of the folded domain state: it is only on the opening
  const category = event.type === 'TicketOpened' ? (event.data.category ?? null) : (current?.category ?? null);
  await docs.upsert(ticketQueue, queueDocumentOf(ticket, { tenantId, version: stored.globalPosition, streamVersion: stored.streamVersion, updatedAt: event.data.at, category }));
}

/** The queue documents a batch touches (loaded in one round trip). */
export function ticketQueuePrefetch(events: readonly StoredEvent[]): DocumentKey[] {
  const keys: DocumentKey[] = [];
  for (const event of events) {
    const ticketId = (event.data as { ticketId?: unknown } | null)?.ticketId;
    if (typeof ticketId === 'string' && ticketId !== '') keys.push({ collection: ticketQueue, tenantId: event.metadata.tenantId, id: ticketId });
  }
  return keys;
}

export type TicketReadModelProjectionOptions = {
  /** The service's RAW event store (not the decrypting one): the read models need no personal field. */
  events: EventStore;
  store: DocumentStore;
  /** Failures (the runner retries them), for logs. */
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
  /** Events per transaction (default 500). */
  maxBatchSize?: number;
};

/** The runner keeping `ticket_queue` from the `ticket` category (checkpoint `service-tickets--queue`). */
export function createTicketQueueProjection(options: TicketReadModelProjectionOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: TICKET_QUEUE_PROJECTION,
    source: eventStoreSource(options.events, { categories: [TICKET_CATEGORY] }),
    project: projectTicketQueueEvent,
    store: options.store,
    collections: TICKET_QUEUE_COLLECTIONS,
    prefetch: ticketQueuePrefetch,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
  });
}

import { defineCollection, type BaseDocument } from '@hearth/read-models';
import type { ComplaintSeverity, SlaTarget, TicketChannel, TicketKind, TicketPriority, TicketStatus } from '../../domain/ticket.events';
import type { FoldedTicket } from './ticket-queue.fold';

/**
 * One ticket of the unified queue (id = ticketId, version = global position of the last applied event).
 * Ids, codes, times and SLA state only: nothing personal (no subject, description, requester or notes).
 */
export type TicketQueueDocument = BaseDocument & {
  queueId: string;
  status: TicketStatus;
  /** Open, assigned, in progress or waiting on the guest (work still to do). */
  active: boolean;
  priority: TicketPriority;
  /** 0 (low) … 3 (urgent). */
  priorityRank: number;
  kind: TicketKind;
  channel: TicketChannel;
  category: string | null;
  brandId: string;
  propertyId: string | null;
  assigneeId: string | null;
  guestId: string | null;
  /** UTC instants (`toISOString`). */
  openedAt: string;
  updatedAt: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  /**
   * When the ticket is next due: the earliest recorded due time of its SLA targets that are still to be
   * met, while the SLA clock runs; null when paused (waiting on the guest, resolved) or nothing is due.
   * A breached target that is still unmet keeps its (past) due time, so overdue tickets come first.
   */
  dueAt: string | null;
  /** Which target `dueAt` belongs to. */
  dueTarget: SlaTarget | null;
  /** Recorded due time of the first-response target while it is unmet (null when met or not set). */
  firstResponseDueAt: string | null;
  /** Recorded due time of the resolution target while it is unmet. */
  resolutionDueAt: string | null;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  /** Active with a breached target still unmet. */
  overdue: boolean;
  /** The SLA clock stands still (waiting on the guest, resolved). */
  slaPaused: boolean;
  escalationLevel: number;
  reopenCount: number;
  complaintType: string | null;
  complaintSeverity: ComplaintSeverity | null;
  /** Version of the `ticket-<id>` stream after the last applied event (the ticket's ETag). */
  streamVersion: number;
  /** Urgency order as one string (see `urgencySortKey`): the only sort the queue uses. */
  sortKey: string;
  /** The folded domain state the document is derived from. */
  ticket: FoldedTicket;
};

/**
 * `ticket_queue`. Every index ends with `sortKey` so each common filter (active + one of queue, brand,
 * property, assignee, priority, status) is read in urgency order straight from an index, and a due-time
 * window is a range on `sortKey` too. `[sortKey]` alone serves listings that include closed tickets.
 */
export const ticketQueue = defineCollection<TicketQueueDocument>({
  name: 'ticket_queue',
  fields: {
    active: 'boolean',
    status: 'string',
    priority: 'string',
    queueId: 'string',
    brandId: 'string',
    propertyId: 'string',
    assigneeId: 'string',
    sortKey: 'string',
  },
  indexes: [
    { fields: ['active', 'sortKey'] },
    { fields: ['active', 'queueId', 'sortKey'] },
    { fields: ['active', 'brandId', 'sortKey'] },
    { fields: ['active', 'propertyId', 'sortKey'] },
    { fields: ['active', 'assigneeId', 'sortKey'] },
    { fields: ['active', 'priority', 'sortKey'] },
    { fields: ['active', 'status', 'sortKey'] },
    { fields: ['sortKey'] },
  ],
});

/** Every collection the queue projection writes (for `ensureCollections` and `rebuild()`). */
export const TICKET_QUEUE_COLLECTIONS = [ticketQueue] as const;

import type { StoredEvent } from '@hearth/event-store';
import { ticketDecider, type TicketState } from '../../domain/ticket.decider';
import type { TicketEvent, TicketEventType } from '../../domain/ticket.events';

/**
 * Reading `ticket-<id>` events for the read models (queue and metrics). Both fold the domain's own
 * `ticketDecider.evolve`, so status, assignment, pauses and SLA terms mean exactly what the decider
 * means; only the per-comment/attachment/recovery id lists are dropped (they grow with the ticket and
 * no read model needs them). The folded state holds ids, codes and times only: personal fields
 * (subject, description, requester, notes, bodies) never enter it.
 */

/** Stream category of tickets (`ticket-<ticketId>`). */
export const TICKET_CATEGORY = 'ticket';

/** The domain state as the read models keep it (without the id lists). */
export type FoldedTicket = Omit<TicketState, 'commentIds' | 'attachmentIds' | 'recoveryIds'>;

const KNOWN_TYPES = {
  TicketOpened: true,
  TicketGuestLinked: true,
  TicketAssigned: true,
  TicketReferred: true,
  TicketWorkStarted: true,
  TicketWaitingOnGuest: true,
  TicketResumed: true,
  TicketResolved: true,
  TicketClosed: true,
  TicketReopened: true,
  TicketCommented: true,
  FirstResponseRecorded: true,
  AttachmentAdded: true,
  TicketPriorityChanged: true,
  ComplaintRecorded: true,
  RecoveryGiven: true,
  SatisfactionRecorded: true,
  SlaTargetRescheduled: true,
  SlaBreached: true,
  TicketEscalated: true,
} as const satisfies Record<TicketEventType, true>;

/**
 * The ticket event of a stored event, or undefined for an event type this code does not know (a newer
 * writer: forward compatible) or one without the ticket context every ticket event carries.
 */
export function ticketEventOf(event: StoredEvent): TicketEvent | undefined {
  if (!Object.prototype.hasOwnProperty.call(KNOWN_TYPES, event.type)) return undefined;
  const data = event.data as { ticketId?: unknown; brandId?: unknown; at?: unknown } | null;
  if (!data || typeof data !== 'object' || typeof data.ticketId !== 'string' || data.ticketId === '') return undefined;
  if (typeof data.brandId !== 'string' || typeof data.at !== 'string') return undefined;
  return { type: event.type, data: event.data } as TicketEvent;
}

/** Folds one event into the kept state (`undefined`: the ticket is not known yet). */
export function foldTicket(state: FoldedTicket | undefined, event: TicketEvent): FoldedTicket {
  const full: TicketState = state
    ? { ...state, commentIds: [], attachmentIds: [], recoveryIds: [] }
    : ticketDecider.initialState();
  const { commentIds: _c, attachmentIds: _a, recoveryIds: _r, ...kept } = ticketDecider.evolve(full, event);
  return kept;
}

/**
 * An instant as the read models index it: UTC with milliseconds (`toISOString`), so instants written
 * with offsets compare correctly as strings. Left as given when it does not parse.
 */
export function utcInstant(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

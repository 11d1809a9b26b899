import { aggregateStream, handleCommand, type CommandMetadata, type Decider, type EventStore } from '@hearth/event-store';
import { ticketDecider, TicketError, type TicketCommand, type TicketState } from '../domain/ticket.decider';
import type { TicketEvent } from '../domain/ticket.events';
import type { TicketAccess } from './ticket-access';
import { metadataOf, type Caller, type TicketsContext } from './tickets-context';

/** The event-store category of tickets (what the forwarder and the followers subscribe to). */
export const TICKET_CATEGORY = 'ticket';
/** `ticket-<ticketId>`: also the crypto-shredding subject of what was recorded before a guest was linked. */
export const ticketStream = (ticketId: string): string => `${TICKET_CATEGORY}-${ticketId}`;
/** The ticket id of a `ticket-<id>` stream name. */
export const ticketIdOfStream = (stream: string): string => stream.slice(TICKET_CATEGORY.length + 1);

/** The ticket and the tenant it belongs to (the domain state has no tenant: it lives in event metadata). */
export type ScopedTicketState = { tenantId: string | undefined; ticket: TicketState };

/** A command, or a function building it from the state it will be decided on (e.g. an escalation from the current priority). */
export type TicketCommandInput = TicketCommand | ((ticket: TicketState) => TicketCommand);

/**
 * `ticketDecider` plus the tenant of the stream (from the first event's metadata), so every read and
 * write can refuse a ticket of another tenant as "not found". A command may be built from the state it
 * is decided on: `handleCommand` retries conflicts by re-reading, so the command is rebuilt on fresh state.
 */
export const scopedTicketDecider: Decider<ScopedTicketState, TicketCommandInput, TicketEvent> = {
  initialState: () => ({ tenantId: undefined, ticket: ticketDecider.initialState() }),
  decide: (command, state) => ticketDecider.decide(typeof command === 'function' ? command(state.ticket) : command, state.ticket),
  evolve: (state, event) => ({ tenantId: state.tenantId ?? event.metadata?.tenantId, ticket: ticketDecider.evolve(state.ticket, event) }),
};

export type LoadedTicket = { state: TicketState; version: number };

const notFound = () => new TicketError('TICKET_NOT_FOUND', 'ticket not found');

/**
 * The check every ticket read and write makes on the state it read: the ticket exists in the caller's
 * tenant and its brand is visible (else "not found", revealing nothing), and, for writes, the caller's
 * token grants the brand (403). Runs before the If-Match comparison, so 404/403 come before 412.
 */
export function requireTicketAccess(tenantId: string, access: TicketAccess | undefined, mode: 'read' | 'write') {
  return (state: ScopedTicketState, version: number | undefined): void => {
    if (version === undefined || state.ticket.status === 'none' || state.tenantId !== tenantId) throw notFound();
    if (!access) return;
    if (!access.canSee(state.ticket.brandId)) throw notFound();
    if (mode === 'write') access.assertCanAct(state.ticket.brandId);
  };
}

/** Reads and folds a ticket of the caller's tenant (no personal data needed: the raw store will do). */
export async function loadTicket(store: EventStore, tenantId: string, ticketId: string, access?: TicketAccess): Promise<LoadedTicket> {
  const { state, streamVersion } = await aggregateStream(store, ticketStream(ticketId), scopedTicketDecider);
  requireTicketAccess(tenantId, access, 'read')(state, streamVersion);
  return { state: state.ticket, version: streamVersion! };
}

export type TicketCommandResult = { state: TicketState; version: number; events: TicketEvent[] };

/**
 * Runs a command on an existing ticket: read → access check → (If-Match) → decide → append, retried on
 * a concurrent write unless the caller pinned a version. The events' metadata names the ticket's brand
 * and guest, taken from the state that was decided on.
 */
export async function runTicketCommand(
  ctx: Pick<TicketsContext, 'store' | 'now'>,
  caller: Caller,
  ticketId: string,
  command: TicketCommandInput,
  options: {
    access?: TicketAccess | undefined;
    expectedVersion?: number | undefined;
    at?: string;
    store?: EventStore;
    /** Further checks on the state decided on (throw to refuse). */
    check?: (ticket: TicketState) => void;
    /** The guest the events concern when the command changes it (linking). */
    guestId?: string;
  } = {},
): Promise<TicketCommandResult> {
  const at = options.at ?? ctx.now().toISOString();
  const metadata: CommandMetadata = metadataOf(caller, at);
  const check = requireTicketAccess(caller.tenantId, options.access, 'write');
  const result = await handleCommand(options.store ?? ctx.store, scopedTicketDecider, ticketStream(ticketId), command, {
    metadata,
    // runs on the state handleCommand reads (one read per write); the metadata object is read when appending
    assertState: (state, version) => {
      check(state, version);
      options.check?.(state.ticket);
      metadata.brandId = state.ticket.brandId;
      const guestId = options.guestId ?? state.ticket.guestId;
      if (guestId !== undefined) metadata.guestId = guestId;
      if (state.ticket.channel) metadata.channel = state.ticket.channel;
    },
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
  });
  return { state: result.state.ticket, version: result.streamVersion!, events: result.events };
}

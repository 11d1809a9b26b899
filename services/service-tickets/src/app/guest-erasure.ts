import { TICKET_CATEGORY } from './ticket-stream';
import type { TicketsContext } from './tickets-context';

/** Which tickets are linked to a guest (opened for them, or linked later). */
export interface GuestTicketIndex {
  ticketsOfGuest(tenantId: string, guestId: string): Promise<string[]>;
}

/**
 * Applies customer-profile's erasure of a guest to the guest's tickets (crypto-shredding): destroys the
 * guest's data key here (the personal data of ticket events recorded after the guest was linked) and
 * the `ticket-<id>` key of each of the guest's tickets (what was recorded before the link, under the
 * ticket's own key), then runs the erasure hooks (replayable responses…). Afterwards subjects,
 * descriptions, comments, notes and attachment names of these tickets read back as null; ids, statuses,
 * times and SLA facts remain. Safe to repeat. The guest's key goes first: a ticket linked meanwhile is
 * caught by the index projection, which erases the ticket key of a link to an erased guest.
 */
export async function eraseGuestTickets(ctx: Pick<TicketsContext, 'store' | 'erasureHooks'>, index: GuestTicketIndex, tenantId: string, guestId: string): Promise<{ ticketIds: string[] }> {
  await ctx.store.erase(guestId);
  const ticketIds = await index.ticketsOfGuest(tenantId, guestId);
  for (const ticketId of ticketIds) await ctx.store.erase(`${TICKET_CATEGORY}-${ticketId}`);
  for (const hook of ctx.erasureHooks) await hook(tenantId, guestId, ticketIds);
  return { ticketIds };
}

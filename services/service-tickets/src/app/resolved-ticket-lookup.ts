import { StreamNotFoundError } from '@hearth/event-store';
import type { TicketStatus } from '../domain/ticket.events';
import { ticketStream } from './ticket-stream';
import { ticketViewOf } from './ticket-view';
import type { TicketsContext } from './tickets-context';

/** What the knowledge base needs to draft an article from a ticket (the port its module defines). */
export type ResolvedTicketSummary = {
  ticketId: string;
  brandId: string;
  subject: string;
  resolutionSummary?: string;
  category?: string;
  status: TicketStatus;
};

/** The port of the knowledge base's "article from a resolved ticket" (same shape as its own definition). */
export interface ResolvedTicketLookup {
  resolvedTicket(tenantId: string, ticketId: string): Promise<ResolvedTicketSummary | undefined>;
}

/**
 * The knowledge base's `ResolvedTicketLookup` over the decrypting ticket stream: the ticket of the
 * tenant (undefined for another tenant's or none) with its subject and resolution summary. The status
 * is returned as it is; the knowledge base decides which statuses qualify. After the guest's erasure
 * the subject reads as an empty string and the summary is absent.
 */
export function createResolvedTicketLookup(ctx: Pick<TicketsContext, 'store'>): ResolvedTicketLookup {
  return {
    async resolvedTicket(tenantId, ticketId) {
      let events;
      try {
        events = await ctx.store.readStream(ticketStream(ticketId));
      } catch (error) {
        if (error instanceof StreamNotFoundError) return undefined;
        throw error;
      }
      if (events[0]?.metadata.tenantId !== tenantId) return undefined;
      const view = ticketViewOf(events);
      if (!view) return undefined;
      return {
        ticketId: view.ticketId,
        brandId: view.brandId,
        subject: view.subject ?? '',
        ...(view.resolution?.summary ? { resolutionSummary: view.resolution.summary } : {}),
        ...(view.category !== null ? { category: view.category } : {}),
        status: view.status,
      };
    },
  };
}

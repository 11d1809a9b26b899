import type { EventStore, StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, defineCollection, eventStoreSource, type BaseDocument, type DocumentStore, type ProjectionRunner } from '@hearth/read-models';
import type { GuestTicketIndex } from '../../app/guest-erasure';
import { TICKET_CATEGORY, ticketStream } from '../../app/ticket-stream';

/** One document per ticket linked to a guest: which guest (ids only). */
export type TicketGuestDocument = BaseDocument & { guestId: string };

export const ticketGuests = defineCollection<TicketGuestDocument>({
  name: 'ticket_guests',
  fields: { guestId: 'string' },
  indexes: [{ fields: ['guestId'] }],
});

export const TICKET_GUEST_COLLECTIONS = [ticketGuests] as const;
export const TICKET_GUESTS_PROJECTION = 'service-tickets--ticket-guests';

export type TicketGuestsProjectionOptions = {
  /** The raw event store (ids only are read). */
  events: EventStore;
  store: DocumentStore;
  /**
   * Whether a guest's data was erased here (the subject key store's `isErased`), and how to erase a
   * ticket's own key: a ticket linked to an already erased guest loses its pre-link personal data too,
   * closing the race between an erasure and a link made at the same moment.
   */
  isGuestErased: (guestId: string) => Promise<boolean>;
  eraseSubject: (subjectId: string) => Promise<void>;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
};

/**
 * The guest → tickets index that erasure needs (customer-profile's `guest-erased` names a guest, the
 * keys to destroy are per ticket): kept from `TicketOpened` with a guest and `TicketGuestLinked`.
 * Version-guarded by global position; rebuildable.
 */
export function createTicketGuestsProjection(options: TicketGuestsProjectionOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: TICKET_GUESTS_PROJECTION,
    source: eventStoreSource(options.events, { categories: [TICKET_CATEGORY] }),
    store: options.store,
    collections: TICKET_GUEST_COLLECTIONS,
    project: async (event, session) => {
      if (event.type !== 'TicketOpened' && event.type !== 'TicketGuestLinked') return;
      const data = event.data as { ticketId?: unknown; guestId?: unknown };
      if (typeof data.ticketId !== 'string' || typeof data.guestId !== 'string') return;
      await session.forTenant(event.metadata.tenantId).upsert(ticketGuests, { id: data.ticketId, tenantId: event.metadata.tenantId, version: event.globalPosition, guestId: data.guestId });
      // a rebuild replays old links: erasing an already erased ticket key again is a no-op
      if (session.target === 'live' && (await options.isGuestErased(data.guestId))) await options.eraseSubject(ticketStream(data.ticketId));
    },
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

/** The index over `ticket_guests` (every page: a guest has few tickets). */
export function createGuestTicketIndex(store: DocumentStore): GuestTicketIndex {
  return {
    async ticketsOfGuest(tenantId, guestId) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.forTenant(tenantId).find(ticketGuests, { guestId }, { limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
        ids.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    },
  };
}

export { createGuestTicketIndex, createTicketGuestsProjection, TICKET_GUEST_COLLECTIONS, TICKET_GUESTS_PROJECTION, ticketGuests } from './ticket-guests.projection';
export type { TicketGuestDocument, TicketGuestsProjectionOptions } from './ticket-guests.projection';

import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketReopenedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-reopened',
  version: 1,
  description: 'A resolved or closed ticket was reopened within the reopen window; it is open again (assigned when it had an assignee).',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    reopenCount: z.number().int().positive().describe('How many times the ticket has been reopened, this time included.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    reopenCount: 1,
  },
});

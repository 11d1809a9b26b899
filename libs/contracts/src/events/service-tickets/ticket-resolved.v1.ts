import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { kebabCode, optionalGuestField, ticketKinds, ticketRefFields } from './ticket-fields';

export const ticketResolvedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-resolved',
  version: 1,
  description: 'A ticket was resolved (answered or fixed). It may still be reopened within the reopen window, and closes afterwards.',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    kind: z.enum(ticketKinds).describe('The kind of the ticket when it was resolved.'),
    resolutionCode: kebabCode().optional().describe('How it was resolved, a lower-kebab code (e.g. answered, fixed, compensated), when given.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    kind: 'complaint',
    resolutionCode: 'compensated',
  },
});

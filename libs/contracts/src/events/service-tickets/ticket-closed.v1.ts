import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketClosedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-closed',
  version: 1,
  description: 'A resolved ticket was closed (by staff, or automatically after the reopen window).',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
  }),
  example: { ticketId: 'ticket-5b1e', brandId: 'brand-harbour-hotels', propertyId: 'property-lisbon-riverside', guestId: 'guest-7d3f2a' },
});

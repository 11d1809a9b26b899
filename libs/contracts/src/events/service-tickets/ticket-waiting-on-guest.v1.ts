import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketWaitingOnGuestV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-waiting-on-guest',
  version: 1,
  description: "A ticket now waits for the guest's answer; its SLA clock is paused until work resumes.",
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
  }),
  example: { ticketId: 'ticket-5b1e', brandId: 'brand-harbour-hotels', propertyId: 'property-lisbon-riverside', guestId: 'guest-7d3f2a' },
});

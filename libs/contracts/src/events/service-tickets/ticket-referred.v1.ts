import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketReferredV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-referred',
  version: 1,
  description: 'A ticket was referred to another department (queue). It is unassigned there until someone in that queue takes it.',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    fromQueueId: z.string().min(1).describe('The queue the ticket left.'),
    toQueueId: z.string().min(1).describe('The queue the ticket was referred to.'),
    previousAssigneeId: z.string().min(1).optional().describe('The staff user it was assigned to before the referral, if any.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    fromQueueId: 'queue-front-office',
    toQueueId: 'queue-housekeeping',
    previousAssigneeId: 'user-agent-12',
  },
});

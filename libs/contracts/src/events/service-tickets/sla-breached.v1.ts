import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { isoDateTime, optionalGuestField, slaTargets, ticketRefFields } from './ticket-fields';

export const slaBreachedV1 = defineEvent({
  type: 'hearth.service-tickets.sla-breached',
  version: 1,
  description: "A ticket missed an SLA target (first response or resolution): the target's due time passed without the required response.",
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    target: z.enum(slaTargets).describe('Which target was missed.'),
    dueAt: isoDateTime().describe('When it was due.'),
    policyId: z.string().min(1).optional().describe('The SLA policy that set the target, when known.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    target: 'first-response',
    dueAt: '2025-01-01T12:10:00.000Z',
    policyId: 'sla-complaints',
  },
});

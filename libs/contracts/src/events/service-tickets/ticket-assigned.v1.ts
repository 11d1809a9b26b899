import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketAssignedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-assigned',
  version: 1,
  description:
    'A ticket was assigned to an agent: a first assignment, a reassignment, or a delegation (an agent away handed their tickets to another). Escalations that reassign publish ticket-escalated instead.',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    assigneeId: z.string().min(1).describe('The staff user the ticket is now assigned to.'),
    previousAssigneeId: z.string().min(1).optional().describe('The staff user it was assigned to before, if any.'),
    queueId: z.string().min(1).describe('The queue the ticket is in.'),
    reason: z.enum(['assigned', 'reassigned', 'delegated']).describe('First assignment, reassignment, or delegation by an absent agent.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    assigneeId: 'user-agent-12',
    previousAssigneeId: 'user-agent-07',
    queueId: 'queue-front-office',
    reason: 'delegated',
  },
});

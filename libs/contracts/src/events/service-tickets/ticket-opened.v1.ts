import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { isoDateTime, optionalGuestField, ticketChannels, ticketKinds, ticketPriorities, ticketRefFields } from './ticket-fields';

export const ticketOpenedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-opened',
  version: 1,
  description:
    'A ticket (inquiry, request or complaint) was opened, from any channel. Published by service-tickets. Ids and classification only: the subject, description and requester contact stay in service-tickets.',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    kind: z.enum(ticketKinds).describe('inquiry, request or complaint.'),
    channel: z.enum(ticketChannels).describe('Where the ticket came in.'),
    priority: z.enum(ticketPriorities).describe('Priority at opening.'),
    queueId: z.string().min(1).describe('The queue (department) the ticket was opened in.'),
    category: z.string().min(1).optional().describe("The tenant's category code, when one was chosen."),
    firstResponseDueAt: isoDateTime().optional().describe('When the first response is due under the SLA policy, when a target applies.'),
    resolutionDueAt: isoDateTime().optional().describe('When the resolution is due under the SLA policy, when a target applies.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    kind: 'complaint',
    channel: 'phone',
    priority: 'high',
    queueId: 'queue-front-office',
    category: 'room',
    firstResponseDueAt: '2025-01-01T12:10:00.000Z',
    resolutionDueAt: '2025-01-01T16:00:00.000Z',
  },
});

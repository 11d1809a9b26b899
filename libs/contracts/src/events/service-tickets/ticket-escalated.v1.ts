import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, slaTargets, ticketPriorities, ticketRefFields } from './ticket-fields';

export const ticketEscalatedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-escalated',
  version: 1,
  description:
    "A ticket was escalated, automatically after an SLA breach or by hand: its priority was raised and/or it was reassigned (typically to the queue's manager).",
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    level: z.number().int().positive().describe('Escalation level of the ticket after this escalation (1 for the first).'),
    reason: z.enum(['sla-breach', 'manual']).describe('Why it was escalated.'),
    target: z.enum(slaTargets).optional().describe('The SLA target whose breach caused it, for reason sla-breach.'),
    priority: z.enum(ticketPriorities).describe('Priority after the escalation.'),
    previousPriority: z.enum(ticketPriorities).describe('Priority before the escalation.'),
    assigneeId: z.string().min(1).optional().describe('The staff user the ticket is assigned to after the escalation, if any.'),
    previousAssigneeId: z.string().min(1).optional().describe('The staff user it was assigned to before, if any.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    level: 1,
    reason: 'sla-breach',
    target: 'first-response',
    priority: 'urgent',
    previousPriority: 'high',
    assigneeId: 'user-manager-02',
    previousAssigneeId: 'user-agent-12',
  },
});

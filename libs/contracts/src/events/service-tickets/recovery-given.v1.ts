import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { moneySchema, recoveryActions, requiredGuestField, ticketRefFields } from './ticket-fields';

export const recoveryGivenV1 = defineEvent({
  type: 'hearth.service-tickets.recovery-given',
  version: 1,
  description:
    'A service-recovery action (apology, refund, upgrade, points, voucher) was given to a guest for a complaint on a ticket. Only recorded for tickets linked to a guest.',
  data: z.object({
    ...ticketRefFields,
    ...requiredGuestField,
    recoveryId: z.string().min(1).describe('The recovery action (unique within the ticket).'),
    action: z.enum(recoveryActions).describe('What was given.'),
    value: moneySchema().optional().describe('Its monetary value in minor units; always present for refund and voucher.'),
    points: z.number().int().positive().optional().describe('Loyalty points granted; always present for action points.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    recoveryId: 'recovery-1',
    action: 'voucher',
    value: { currency: 'EUR', minor: 5000 },
  },
});

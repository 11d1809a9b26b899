import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { complaintSeverities, kebabCode, optionalGuestField, ticketRefFields } from './ticket-fields';

export const complaintRecordedV1 = defineEvent({
  type: 'hearth.service-tickets.complaint-recorded',
  version: 1,
  description:
    "A complaint's type and severity were recorded on a ticket (at opening, or later when a ticket turned into a complaint, or when they were corrected). The complaint's description stays in service-tickets.",
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    complaintType: kebabCode().describe("The tenant's complaint type, a lower-kebab code such as noise, cleanliness, billing, staff or food."),
    severity: z.enum(complaintSeverities).describe('How serious the complaint is.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    complaintType: 'noise',
    severity: 'high',
  },
});

import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { requiredGuestField, ticketRefFields } from './ticket-fields';

export const satisfactionRecordedV1 = defineEvent({
  type: 'hearth.service-tickets.satisfaction-recorded',
  version: 1,
  description:
    "A guest's satisfaction with a resolved ticket was recorded (score 1–5, e.g. from the survey tool). The free-text comment stays in service-tickets.",
  data: z.object({
    ...ticketRefFields,
    ...requiredGuestField,
    score: z.number().int().min(1).max(5).describe('Satisfaction score, 1 (very dissatisfied) to 5 (very satisfied).'),
    surveyId: z.string().min(1).optional().describe("The survey tool's response id, when the score came from a survey."),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    score: 4,
    surveyId: 'survey-response-881',
  },
});

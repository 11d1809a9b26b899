import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { optionalGuestField, ticketRefFields } from './ticket-fields';

export const ticketCommentedV1 = defineEvent({
  type: 'hearth.service-tickets.ticket-commented',
  version: 1,
  description:
    'A public comment (one the guest sees) was added to a ticket, by staff or by the guest. Internal comments are never published; the body never travels (read it from service-tickets).',
  data: z.object({
    ...ticketRefFields,
    ...optionalGuestField,
    commentId: z.string().min(1).describe('The comment.'),
    visibility: z.enum(['public']).describe('Always public: internal comments are not published.'),
    author: z.enum(['staff', 'guest']).describe('Whether staff or the guest wrote it.'),
  }),
  example: {
    ticketId: 'ticket-5b1e',
    brandId: 'brand-harbour-hotels',
    propertyId: 'property-lisbon-riverside',
    guestId: 'guest-7d3f2a',
    commentId: 'comment-3',
    visibility: 'public',
    author: 'staff',
  },
});

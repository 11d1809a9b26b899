import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestConsentChangedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-consent-changed',
  version: 1,
  description: 'A guest granted or revoked consent for one brand, purpose and channel.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest.'),
    brandId: z.string().min(1).describe('The brand the consent applies to.'),
    purpose: z.enum(['marketing', 'profiling', 'data-sharing']).describe('What the consent is for.'),
    channel: z.enum(['email', 'sms', 'phone', 'post']).describe('The channel it covers.'),
    granted: z.boolean().describe('true: granted; false: revoked (or refused).'),
    source: z.string().min(1).describe('Where it was captured: web-form, front-desk, call-centre…'),
  }),
  example: { guestId: 'guest-7d3f2a', brandId: 'brand-harbour-hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web-form' },
});

import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestPreferenceSetV1 = defineEvent({
  type: 'hearth.customer-profile.guest-preference-set',
  version: 1,
  description:
    'A preference or special request was recorded. Carries its key and scope, not its value (which may be sensitive, e.g. an allergy): consumers read values from customer-profile, filtered for the caller\'s brand.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest.'),
    key: z.string().min(1).describe('Preference key, e.g. pillow or room-floor.'),
    kind: z.enum(['preference', 'special-request']).describe('A standing preference or a special request.'),
    scope: z.enum(['shared', 'brand']).describe('shared: seen by every brand in the shared view; brand: private to brandId.'),
    brandId: z.string().min(1).optional().describe('The owning brand of a brand-scoped preference.'),
  }),
  example: { guestId: 'guest-7d3f2a', key: 'pillow', kind: 'preference', scope: 'shared' },
});

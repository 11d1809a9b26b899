import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestPreferenceRemovedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-preference-removed',
  version: 1,
  description: 'A preference or special request was removed.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest.'),
    key: z.string().min(1).describe('Preference key.'),
    scope: z.enum(['shared', 'brand']).describe('Scope of the removed preference.'),
    brandId: z.string().min(1).optional().describe('The owning brand of a brand-scoped preference.'),
  }),
  example: { guestId: 'guest-7d3f2a', key: 'pillow', scope: 'shared' },
});

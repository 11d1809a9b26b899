import { z } from 'zod';
import { defineEvent } from '../../define-event';

/** Where a guest stands in their relationship with the chain (product brief: profile lifecycle stages). */
export const lifecycleStages = ['prospect', 'first-time', 'repeat', 'loyal', 'lapsed'] as const;

/**
 * A guest profile was created in the shared customer profile. Carries ids only: consumers that need
 * contact data read the profile service's API, so personal data stays in one place (and can be erased there).
 */
export const guestRegisteredV1 = defineEvent({
  type: 'hearth.customer-profile.guest-registered',
  version: 1,
  description:
    'A guest profile was created in the shared customer profile. Published by customer-profile. Ids only: no personal data.',
  data: z.object({
    guestId: z.string().min(1).describe('Id of the new guest profile, shared by every brand of the tenant.'),
    brandId: z.string().min(1).optional().describe('The brand where the guest was first registered, when known.'),
    lifecycleStage: z.enum(lifecycleStages).optional().describe('Lifecycle stage at registration, when known.'),
    registeredAt: z.iso.datetime({ offset: true }).describe('When the profile was created (ISO 8601 date-time).'),
  }),
  example: {
    guestId: 'guest-7d3f2a',
    brandId: 'brand-harbour-hotels',
    lifecycleStage: 'prospect',
    registeredAt: '2025-01-01T12:00:00.000Z',
  },
});

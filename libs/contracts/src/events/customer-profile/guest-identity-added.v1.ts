import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const identityTypes = ['email', 'phone', 'member', 'card', 'external', 'booking'] as const;

export const guestIdentityAddedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-identity-added',
  version: 1,
  description: 'An identifier was attached to a guest. Carries its type (and issuing system), never its value.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest the identifier now belongs to.'),
    identityType: z.enum(identityTypes).describe('Kind of identifier.'),
    system: z.string().min(1).optional().describe('Issuing system of an external identifier (e.g. opera-pms).'),
  }),
  example: { guestId: 'guest-7d3f2a', identityType: 'external', system: 'opera-pms' },
});

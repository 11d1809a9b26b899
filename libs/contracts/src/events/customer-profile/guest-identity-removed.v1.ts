import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { identityTypes } from './guest-identity-added.v1';

export const guestIdentityRemovedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-identity-removed',
  version: 1,
  description: 'An identifier was detached from a guest. Carries its type (and issuing system), never its value.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest that no longer holds the identifier.'),
    identityType: z.enum(identityTypes).describe('Kind of identifier.'),
    system: z.string().min(1).optional().describe('Issuing system of an external identifier.'),
  }),
  example: { guestId: 'guest-7d3f2a', identityType: 'email' },
});

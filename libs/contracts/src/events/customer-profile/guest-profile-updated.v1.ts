import { z } from 'zod';
import { defineEvent } from '../../define-event';
import { lifecycleStages } from './guest-registered.v1';

/** Profile fields a guest-profile-updated event can name. */
export const profileFields = ['name', 'address', 'dateOfBirth', 'language', 'customerType', 'lifecycleStage', 'attributes'] as const;

export const guestProfileUpdatedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-profile-updated',
  version: 1,
  description:
    'A guest profile changed. Names the changed fields and carries the new values of non-personal ones only (lifecycle stage, customer type, language); consumers read personal values from customer-profile.',
  data: z.object({
    guestId: z.string().min(1).describe('The guest whose profile changed.'),
    changedFields: z.array(z.enum(profileFields)).min(1).describe('Which profile fields changed.'),
    lifecycleStage: z.enum(lifecycleStages).optional().describe('New lifecycle stage, when it changed.'),
    customerType: z.enum(['individual', 'business', 'intermediary']).optional().describe('New customer type, when it changed.'),
    language: z.string().min(2).optional().describe('New preferred language (BCP 47), when it changed.'),
  }),
  example: { guestId: 'guest-7d3f2a', changedFields: ['lifecycleStage', 'name'], lifecycleStage: 'repeat' },
});

import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestsUnmergedV1 = defineEvent({
  type: 'hearth.customer-profile.guests-unmerged',
  version: 1,
  description: 'A merge was undone: both guests are restored exactly as they were, each with its own identifiers and history.',
  data: z.object({
    mergeId: z.string().min(1).describe('The merge that was undone.'),
    survivorId: z.string().min(1).describe('The former survivor.'),
    mergedId: z.string().min(1).describe('The restored guest.'),
  }),
  example: { mergeId: 'merge-41', survivorId: 'guest-7d3f2a', mergedId: 'guest-19c0aa' },
});

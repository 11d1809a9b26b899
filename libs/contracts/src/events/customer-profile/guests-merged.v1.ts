import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestsMergedV1 = defineEvent({
  type: 'hearth.customer-profile.guests-merged',
  version: 1,
  description:
    'A data steward merged two guests: the merged guest now answers as the survivor (its identifiers resolve to the survivor). Reversible: see guests-unmerged with the same mergeId.',
  data: z.object({
    mergeId: z.string().min(1).describe('Id of this merge; an unmerge names it.'),
    survivorId: z.string().min(1).describe('The guest that remains.'),
    mergedId: z.string().min(1).describe('The guest merged into the survivor.'),
  }),
  example: { mergeId: 'merge-41', survivorId: 'guest-7d3f2a', mergedId: 'guest-19c0aa' },
});

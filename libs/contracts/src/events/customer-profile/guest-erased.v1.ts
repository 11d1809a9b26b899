import { z } from 'zod';
import { defineEvent } from '../../define-event';

export const guestErasedV1 = defineEvent({
  type: 'hearth.customer-profile.guest-erased',
  version: 1,
  description:
    "A guest's personal data was erased (right to be forgotten). Every consumer must purge the personal data it holds about the guest; non-personal facts (stays, amounts) may stay for finance and analytics.",
  data: z.object({
    guestId: z.string().min(1).describe('The erased guest.'),
    erasedAt: z.iso.datetime({ offset: true }).describe('When the erasure took effect.'),
  }),
  example: { guestId: 'guest-7d3f2a', erasedAt: '2026-03-01T10:00:00.000Z' },
});

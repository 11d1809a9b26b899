import type { DocumentStore } from '@hearth/read-models';
import { purgeGuestLookup } from './guest-lookup.projection';

/**
 * An erasure hook (`ProfileContext.erasureHooks`): deletes the guest's lookup documents (and those of the
 * survivors it was merged into) at once, after its data key is destroyed. The projection deletes them
 * too when it reaches GuestErased; anything it writes for the guest later is folded from events whose
 * personal values already read as null.
 */
export function guestLookupErasureHook(store: DocumentStore): (tenantId: string, guestId: string) => Promise<void> {
  return async (tenantId, guestId) => {
    await store.transaction(async (session) => {
      await purgeGuestLookup(session.forTenant(tenantId), guestId);
    });
  };
}

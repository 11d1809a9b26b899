import type { DocumentStore } from '@hearth/read-models';
import { purgeGuestSearch } from './guest-search.projection';

/**
 * An erasure hook (`ProfileContext.erasureHooks`): deletes the guest's search documents at once, so a
 * search right after the erasure finds nothing even while the projection still trails. The projection
 * deletes them too when it reaches GuestErased (and rewrites survivors that held a name of the guest),
 * so a crash between the erasure and this hook still ends purged.
 */
export function guestSearchErasureHook(store: DocumentStore): (tenantId: string, guestId: string) => Promise<void> {
  return async (tenantId, guestId) => {
    await store.transaction(async (session) => {
      await purgeGuestSearch(session.forTenant(tenantId), guestId);
    });
  };
}

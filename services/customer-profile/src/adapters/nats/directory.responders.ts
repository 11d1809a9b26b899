import {
  GUEST_SUMMARY_SUBJECT,
  guestSummaryRequestSchema,
  TENANT_DIRECTORY_SUBJECT,
  tenantDirectoryRequestSchema,
  type GuestSummaryReply,
  type GuestSummaryRequest,
  type TenantDirectory,
  type TenantDirectoryRequest,
} from '@hearth/contracts';
import type { Messaging, Responder } from '@hearth/messaging';
import { guestSummaryOf, tenantDirectoryOf } from '../../app/guest-summary';
import { readGuest } from '../../app/guest-use-cases';
import type { ProfileContext } from '../../app/profile-context';
import { loadTenant } from '../../app/tenant-use-cases';

export type DirectoryResponderOptions = {
  /** Subject overrides, for tests that must not meet a running service on the real subjects. */
  subjects?: { guestSummary?: string; tenantDirectory?: string };
};

/**
 * The read side customer-profile offers other services over NATS (contracts in `@hearth/contracts`):
 * `rpc.customer-profile.guest-summary` (one guest's profile, masked identifiers, preferences and consents;
 * a guest of another tenant is "not found") and `rpc.customer-profile.tenant-directory` (brands, properties,
 * and which brands each brand's staff may see). Both read the event store, so they are never stale.
 */
export function createDirectoryResponders(messaging: Messaging, ctx: ProfileContext, options: DirectoryResponderOptions = {}): Responder[] {
  const guestSummary = messaging.createResponder<GuestSummaryRequest, GuestSummaryReply>({
    subject: options.subjects?.guestSummary ?? GUEST_SUMMARY_SUBJECT,
    queue: 'customer-profile',
    requestSchema: guestSummaryRequestSchema,
    handle: async ({ tenantId, guestId }) => {
      const { state, streamVersion } = await readGuest(ctx, guestId);
      if (state.status === 'none' || state.tenantId !== tenantId || streamVersion === undefined) return { found: false };
      return { found: true, guest: guestSummaryOf(state, streamVersion) };
    },
  });
  const tenantDirectory = messaging.createResponder<TenantDirectoryRequest, TenantDirectory>({
    subject: options.subjects?.tenantDirectory ?? TENANT_DIRECTORY_SUBJECT,
    queue: 'customer-profile',
    requestSchema: tenantDirectoryRequestSchema,
    // the tenant cache (1 s) is what every HTTP request uses too
    handle: async ({ tenantId }) => tenantDirectoryOf(tenantId, (await loadTenant(ctx, tenantId)).state),
  });
  return [guestSummary, tenantDirectory];
}

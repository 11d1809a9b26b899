import type { AnyIntegrationEvent } from '@hearth/contracts';
import type { StoredEvent } from '@hearth/event-store';
import type { GuestEvent, ProfileChanges } from '../domain/guest.events';

/** An integration event without its id: the forwarder derives the id from the stored event (idempotent republish). */
export type IntegrationEventDraft = Omit<AnyIntegrationEvent, 'id'>;

const SOURCE = 'customer-profile';

/**
 * Domain event → integration event (or null for events that stay private). Reads only non-personal
 * fields, so it works on the raw, encrypted store: the forwarder never sees a personal value.
 */
export function toIntegrationEvent(stored: StoredEvent): IntegrationEventDraft | null {
  if (!stored.streamName.startsWith('guest-')) return null;
  const guestId = stored.streamName.slice('guest-'.length);
  const m = stored.metadata;
  const envelope = (type: string, data: Record<string, unknown>): IntegrationEventDraft => ({
    type: `hearth.customer-profile.${type}`,
    version: 1,
    source: SOURCE,
    tenantId: m.tenantId,
    ...(m.brandId ? { brandId: m.brandId } : {}),
    guestId,
    occurredAt: m.occurredAt,
    correlationId: m.correlationId,
    causationId: m.causationId,
    data,
  });
  const event = { type: stored.type, data: stored.data } as GuestEvent;
  switch (event.type) {
    case 'GuestRegistered':
      return envelope('guest-registered', {
        guestId,
        ...(m.brandId ? { brandId: m.brandId } : {}),
        lifecycleStage: event.data.profile.lifecycleStage,
        registeredAt: m.occurredAt,
      });
    case 'ProfileUpdated': {
      const changes: ProfileChanges = event.data.changes;
      return envelope('guest-profile-updated', {
        guestId,
        changedFields: Object.keys(changes),
        ...(changes.lifecycleStage ? { lifecycleStage: changes.lifecycleStage } : {}),
        ...(changes.customerType ? { customerType: changes.customerType } : {}),
        ...(typeof changes.language === 'string' ? { language: changes.language } : {}),
      });
    }
    case 'IdentityAdded':
    case 'IdentityRemoved':
      return envelope(event.type === 'IdentityAdded' ? 'guest-identity-added' : 'guest-identity-removed', {
        guestId,
        identityType: event.data.identity.type,
        ...(event.data.identity.system ? { system: event.data.identity.system } : {}),
      });
    case 'PreferenceSet':
      return envelope('guest-preference-set', {
        guestId,
        key: event.data.key,
        kind: event.data.kind,
        scope: event.data.scope,
        ...(event.data.brandId ? { brandId: event.data.brandId } : {}),
      });
    case 'PreferenceRemoved':
      return envelope('guest-preference-removed', { guestId, key: event.data.key, scope: event.data.scope, ...(event.data.brandId ? { brandId: event.data.brandId } : {}) });
    case 'ConsentChanged':
      return envelope('guest-consent-changed', { guestId, ...event.data });
    case 'GuestAbsorbed':
      return envelope('guests-merged', { mergeId: event.data.mergeId, survivorId: guestId, mergedId: event.data.mergedId });
    case 'GuestUnabsorbed':
      return envelope('guests-unmerged', { mergeId: event.data.mergeId, survivorId: guestId, mergedId: event.data.mergedId });
    case 'GuestErased':
      return envelope('guest-erased', { guestId, erasedAt: m.occurredAt });
    default:
      return null; // GuestMergedInto / GuestRestored: the survivor's events tell the story once
  }
}

import type { GuestSummary, TenantDirectory } from '@hearth/contracts';
import { effectiveProfile, parseConsentKey, type GuestState } from '../domain/guest.decider';
import { visibleBrands, type TenantState } from '../domain/tenant.decider';

/** Shows the shape of an identifier without its value: `a***@example.com`, `+44******789`, `M***42`. */
export function maskIdentifier(type: string, value: string): string {
  if (type === 'card') return '****'; // stored hashed: nothing meaningful to show
  if (type === 'email') {
    const at = value.lastIndexOf('@');
    return at > 0 ? `${value[0]}***${value.slice(at)}` : '***';
  }
  if (type === 'phone') return value.length > 6 ? `${value.slice(0, 3)}${'*'.repeat(value.length - 6)}${value.slice(-3)}` : '***';
  return value.length > 4 ? `${value[0]}***${value.slice(-2)}` : '***';
}

/**
 * What `rpc.customer-profile.guest-summary` answers for one guest stream: the effective profile (merge
 * winners applied), masked identifiers, preferences and the current consents. Personal data: the caller
 * must be able to erase its copy.
 */
export function guestSummaryOf(state: GuestState, version: number): GuestSummary {
  const profile = state.status === 'active' ? effectiveProfile(state)?.profile : undefined;
  const consents = Object.entries(state.consents).map(([key, granted]) => ({ ...parseConsentKey(key), granted, at: null }));
  return {
    guestId: state.guestId!,
    status: state.status === 'merged' ? 'merged' : state.status === 'erased' ? 'erased' : 'active',
    survivorId: state.mergedInto?.survivorId ?? null,
    provisional: state.provisional,
    name: profile?.name ? { title: profile.name.title ?? null, given: profile.name.given, family: profile.name.family } : null,
    dateOfBirth: profile?.dateOfBirth ?? null,
    language: profile?.language ?? null,
    customerType: profile?.customerType ?? null,
    lifecycleStage: profile?.lifecycleStage ?? null,
    identifiers: state.status === 'active' ? state.identities.map((i) => ({ type: i.type, masked: maskIdentifier(i.type, i.value) })) : [],
    preferences:
      state.status === 'active'
        ? Object.values(state.preferences).map((p) => ({ key: p.key, kind: p.kind, scope: p.scope, brandId: p.brandId ?? null, value: p.value, setAt: null }))
        : [],
    consents: state.status === 'erased' ? [] : consents,
    version,
  };
}

/** What `rpc.customer-profile.tenant-directory` answers: brands, properties and who sees whom. */
export function tenantDirectoryOf(tenantId: string, state: TenantState): TenantDirectory {
  const brands = Object.values(state.brands);
  return {
    tenantId,
    brands: brands.map((b) => ({ brandId: b.brandId, name: b.name, sharing: b.sharing })),
    properties: Object.values(state.properties).map((p) => ({ propertyId: p.propertyId, brandId: p.brandId, name: p.name, timeZone: p.timeZone ?? null })),
    visibleBrands: Object.fromEntries(brands.map((b) => [b.brandId, [...visibleBrands(state, [b.brandId])].sort()])),
  };
}

import { effectiveProfile, type GuestState } from './guest.decider';

/** A caller's brand scope: the brands it may see (computed with `visibleBrands`), or every brand. */
export type BrandScope = { all: true } | { all: false; brands: ReadonlySet<string>; ownBrands: ReadonlySet<string> };

/**
 * Whether a caller may see a guest at all: chain-wide callers always; brand-scoped callers when the
 * guest has a relationship with one of the brands they may see (their own, or the brands of the
 * data-sharing agreement they are part of). A guest with no brand yet (e.g. created by a chain-wide
 * integration) is visible to chain-wide callers only, never to a private brand by default.
 */
export function canSeeGuest(guest: Pick<GuestState, 'brands'>, scope: BrandScope): boolean {
  if (scope.all) return true;
  return guest.brands.some((b) => scope.brands.has(b));
}

/**
 * The guest as a caller may see it: shared preferences plus the private ones of the caller's own
 * brands; consents of visible brands. Brand-private data of other brands never leaves the service.
 */
export function guestForCaller(state: GuestState, scope: BrandScope) {
  const ownBrand = (brandId: string | undefined) => scope.all || (brandId !== undefined && scope.ownBrands.has(brandId));
  const visibleBrand = (brandId: string) => scope.all || scope.brands.has(brandId);
  return {
    guestId: state.guestId!,
    status: state.status,
    provisional: state.provisional,
    profile: effectiveProfile(state)?.profile ?? null,
    identities: state.identities,
    preferences: Object.values(state.preferences).filter((p) => p.scope === 'shared' || ownBrand(p.brandId)),
    consents: Object.entries(state.consents)
      .map(([key, granted]) => {
        const [brandId, purpose, channel] = key.split(':') as [string, string, string];
        return { brandId, purpose, channel, granted };
      })
      .filter((c) => visibleBrand(c.brandId)),
    brands: state.brands.filter(visibleBrand),
    mergedInto: state.mergedInto ?? null,
  };
}

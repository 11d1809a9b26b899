import { BrandNotAllowedError, resolveViewerScope } from '@hearth/customer-profile-client';
import type { Caller, TicketsContext } from './tickets-context';

/**
 * What a caller may do with tickets of a brand. Reads follow the guest-view rules (`resolveViewerScope`):
 * staff see tickets of their brands and of brands sharing data with them. Writes need the brand in the
 * caller's token: a bistro host may read a hotels ticket of a shared guest but not work it.
 */
export type TicketAccess = {
  /** The brand the caller acts for (X-Brand-Id or its only brand), null otherwise. */
  actingBrandId: string | null;
  /** Brands whose tickets the caller may read (`'all'` for chain-wide callers). */
  visibleBrands: ReadonlySet<string> | 'all';
  canSee(brandId: string): boolean;
  /** Throws `BRAND_NOT_ALLOWED` (403) unless the caller's token grants the brand. */
  assertCanAct(brandId: string): void;
};

/** The caller's ticket access (one tenant-directory lookup for brand tokens, cached; none for chain-wide ones). */
export async function ticketAccess(ctx: Pick<TicketsContext, 'directory'>, caller: Pick<Caller, 'tenantId' | 'brands' | 'actingBrandId'>): Promise<TicketAccess> {
  const { scope } = await resolveViewerScope(ctx.directory, { tenantId: caller.tenantId, brands: caller.brands }, caller.actingBrandId);
  const granted = caller.brands === '*' ? undefined : new Set(caller.brands);
  return {
    actingBrandId: scope.brandId,
    visibleBrands: scope.visibleBrands,
    canSee: (brandId) => scope.visibleBrands === 'all' || scope.visibleBrands.has(brandId),
    assertCanAct: (brandId) => {
      if (granted !== undefined && !granted.has(brandId)) throw new BrandNotAllowedError(brandId);
    },
  };
}

import type { TenantDirectoryCache } from './tenant-directory';

/** Who is looking: chain-wide callers see every brand; brand staff see `visibleBrands` (own + data-sharing). */
export type ViewerScope = {
  /** The brand the caller acts for (its private data is visible); null for chain-wide callers and multi-brand tokens without X-Brand-Id. */
  brandId: string | null;
  /** Brands whose data this caller may see at all; 'all' for chain-wide callers. */
  visibleBrands: ReadonlySet<string> | 'all';
};

/** Who is reading, as far as brand scoping goes (from the verified token). */
export type Viewer = {
  tenantId: string;
  /** The token's brands, or `'*'` for chain-wide callers. */
  brands: readonly string[] | '*';
};

/** The caller named a brand its token does not grant (403). */
export class BrandNotAllowedError extends Error {
  readonly code = 'BRAND_NOT_ALLOWED';
  constructor(readonly brandId: string) {
    super(`The caller's token does not grant access to brand '${brandId}'.`);
  }
}

/** A chain-wide caller named a brand the tenant does not have (400, field `header.x-brand-id`). */
export class UnknownBrandError extends Error {
  readonly code = 'UNKNOWN_BRAND';
  constructor(
    readonly brandId: string,
    readonly field: string,
  ) {
    super(`'${brandId}' is not a brand of this tenant.`);
  }
}

/** The scope and every brand id the tenant's directory knows (for scope keys of chain-wide callers). */
export type ResolvedScope = { scope: ViewerScope; allBrandIds: readonly string[] };

/**
 * The caller's brand scope. The brand acted for: `X-Brand-Id` (must be granted by the token), else the
 * token's only brand, else none. Visible brands: chain-wide tokens (`brands: "*"`) see all; brand tokens
 * see what the tenant directory lets their brands see (own + data-sharing), unioned over the token's
 * brands. A multi-brand token without `X-Brand-Id` acts for no brand: it sees shared entries of its
 * visible brands but no brand-private ones (which would need to know whose staff is looking).
 */
export async function resolveViewerScope(directory: TenantDirectoryCache, viewer: Viewer, requestedBrand: string | undefined): Promise<ResolvedScope> {
  if (viewer.brands === '*') {
    if (requestedBrand === undefined) {
      // no brand and no restriction: the directory is only needed for its brand list, fetched lazily by callers that need it
      return { scope: { brandId: null, visibleBrands: 'all' }, allBrandIds: [] };
    }
    const dir = await directory.get(viewer.tenantId);
    const allBrandIds = dir.brands.map((b) => b.brandId);
    if (!allBrandIds.includes(requestedBrand)) throw new UnknownBrandError(requestedBrand, 'header.x-brand-id');
    return { scope: { brandId: requestedBrand, visibleBrands: 'all' }, allBrandIds };
  }
  if (requestedBrand !== undefined && !viewer.brands.includes(requestedBrand)) throw new BrandNotAllowedError(requestedBrand);
  const dir = await directory.get(viewer.tenantId);
  const visible = new Set<string>();
  for (const brand of viewer.brands) {
    visible.add(brand);
    for (const other of dir.visibleBrands[brand] ?? []) visible.add(other);
  }
  const brandId = requestedBrand ?? (viewer.brands.length === 1 ? viewer.brands[0]! : null);
  // acting for one brand narrows the view to what that brand's staff may see
  const visibleBrands = brandId === null ? visible : new Set([brandId, ...(dir.visibleBrands[brandId] ?? [])]);
  return { scope: { brandId, visibleBrands }, allBrandIds: dir.brands.map((b) => b.brandId) };
}

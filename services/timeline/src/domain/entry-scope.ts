import type { TimelineEntry, ViewerScope, Visibility } from './timeline.types';

/**
 * Brand scoping. Every entry (and everything the guest view derives from entries) falls in one bucket,
 * its scope key `${visibility}:${brandId ?? ''}`. A caller sees a bucket when
 * - its brand is one the caller may see (`visibleBrands`: own brand + data-sharing partners), or it has
 *   no brand, and
 * - it is shared, or it is private to the caller's own brand.
 * Chain-wide callers (`visibleBrands: 'all'`) see every bucket. A brand-private bucket without a brand
 * (an integration event marked private but naming no brand) is for chain-wide callers only.
 */

export type ScopeKey = `${Visibility}:${string}`;

export function scopeKeyOf(entry: Pick<TimelineEntry, 'visibility' | 'brandId'>): ScopeKey {
  return `${entry.visibility}:${entry.brandId ?? ''}`;
}

/** The visibility and brand a scope key stands for. */
export function parseScopeKey(key: string): { visibility: Visibility; brandId: string | null } {
  const colon = key.indexOf(':');
  const visibility = key.slice(0, colon) === 'brand' ? 'brand' : 'shared';
  const brandId = colon < 0 ? '' : key.slice(colon + 1);
  return { visibility, brandId: brandId === '' ? null : brandId };
}

export function isChainWide(scope: ViewerScope): boolean {
  return scope.visibleBrands === 'all';
}

/** Whether the caller may see data of this brand at all (brandless data: yes). */
export function canSeeBrand(scope: ViewerScope, brandId: string | null): boolean {
  if (brandId === null || scope.visibleBrands === 'all') return true;
  return brandId === scope.brandId || scope.visibleBrands.has(brandId);
}

/** Whether the caller sees a bucket (visibility + brand). */
export function isBucketVisible(scope: ViewerScope, visibility: Visibility, brandId: string | null): boolean {
  if (scope.visibleBrands === 'all') return true;
  if (!canSeeBrand(scope, brandId)) return false;
  if (visibility === 'shared') return true;
  return brandId !== null && brandId === scope.brandId;
}

export function isScopeKeyVisible(key: string, scope: ViewerScope): boolean {
  const { visibility, brandId } = parseScopeKey(key);
  return isBucketVisible(scope, visibility, brandId);
}

export function isEntryVisible(entry: Pick<TimelineEntry, 'visibility' | 'brandId'>, scope: ViewerScope): boolean {
  return isBucketVisible(scope, entry.visibility, entry.brandId);
}

/**
 * Every scope key the caller may see, for `scopeKey $in (…)` queries. `allBrandIds` (the tenant's brands)
 * is needed for chain-wide callers only; brand callers get `shared:` (brandless), `shared:<b>` for each
 * brand they may see and `brand:<own brand>`. Sorted, without duplicates.
 */
export function visibleScopeKeys(scope: ViewerScope, allBrandIds: readonly string[]): string[] {
  const keys = new Set<string>(['shared:']);
  if (scope.visibleBrands === 'all') {
    keys.add('brand:');
    for (const brandId of [...allBrandIds, ...(scope.brandId ? [scope.brandId] : [])]) {
      keys.add(`shared:${brandId}`);
      keys.add(`brand:${brandId}`);
    }
  } else {
    for (const brandId of scope.visibleBrands) keys.add(`shared:${brandId}`);
    if (scope.brandId) {
      keys.add(`shared:${scope.brandId}`);
      keys.add(`brand:${scope.brandId}`);
    }
  }
  return [...keys].sort();
}

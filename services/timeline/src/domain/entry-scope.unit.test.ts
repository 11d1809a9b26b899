import { isEntryVisible, isScopeKeyVisible, parseScopeKey, scopeKeyOf, visibleScopeKeys } from './entry-scope';
import type { Visibility, ViewerScope } from './timeline.types';

const entry = (visibility: Visibility, brandId: string | null) => ({ visibility, brandId });
const brandA: ViewerScope = { brandId: 'a', visibleBrands: new Set(['a', 'b']) };
const chainWide: ViewerScope = { brandId: null, visibleBrands: 'all' };

describe('entry scope', () => {
  it('keys entries by visibility and brand', () => {
    expect(scopeKeyOf(entry('shared', 'a'))).toBe('shared:a');
    expect(scopeKeyOf(entry('brand', 'a'))).toBe('brand:a');
    expect(scopeKeyOf(entry('shared', null))).toBe('shared:');
    expect(parseScopeKey('brand:a')).toEqual({ visibility: 'brand', brandId: 'a' });
    expect(parseScopeKey('shared:')).toEqual({ visibility: 'shared', brandId: null });
  });

  it('given brand A sharing with B, then A sees shared entries of A, B and brandless ones, and its own private ones only', () => {
    expect(isEntryVisible(entry('shared', 'a'), brandA)).toBe(true);
    expect(isEntryVisible(entry('brand', 'a'), brandA)).toBe(true);
    expect(isEntryVisible(entry('shared', 'b'), brandA)).toBe(true);
    expect(isEntryVisible(entry('brand', 'b'), brandA)).toBe(false);
    expect(isEntryVisible(entry('shared', null), brandA)).toBe(true);
    expect(isEntryVisible(entry('shared', 'c'), brandA)).toBe(false);
    expect(isEntryVisible(entry('brand', 'c'), brandA)).toBe(false);
    expect(isEntryVisible(entry('brand', null), brandA)).toBe(false);
  });

  it('lets chain-wide callers see everything', () => {
    for (const e of [entry('brand', 'b'), entry('brand', null), entry('shared', 'c')]) expect(isEntryVisible(e, chainWide)).toBe(true);
  });

  it('lists the visible scope keys for queries, agreeing with isScopeKeyVisible', () => {
    expect(visibleScopeKeys(brandA, ['a', 'b', 'c'])).toEqual(['brand:a', 'shared:', 'shared:a', 'shared:b']);
    expect(visibleScopeKeys(chainWide, ['a', 'b'])).toEqual(['brand:', 'brand:a', 'brand:b', 'shared:', 'shared:a', 'shared:b']);
    const all = ['shared:', 'brand:', 'shared:a', 'brand:a', 'shared:b', 'brand:b', 'shared:c', 'brand:c'];
    for (const scope of [brandA, chainWide, { brandId: 'c', visibleBrands: new Set(['c']) } satisfies ViewerScope]) {
      expect(all.filter((k) => isScopeKeyVisible(k, scope)).sort()).toEqual(visibleScopeKeys(scope, ['a', 'b', 'c']).filter((k) => all.includes(k)));
    }
  });

  it('gives a brand-less caller with a brand set only shared data', () => {
    const noBrand: ViewerScope = { brandId: null, visibleBrands: new Set(['a']) };
    expect(visibleScopeKeys(noBrand, ['a', 'b'])).toEqual(['shared:', 'shared:a']);
  });
});

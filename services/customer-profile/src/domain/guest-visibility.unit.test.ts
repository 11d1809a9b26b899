import { guestDecider, type GuestState } from './guest.decider';
import type { GuestEvent } from './guest.events';
import { canSeeGuest, guestForCaller, type BrandScope } from './guest-visibility';

const meta = (brandId: string) => ({ tenantId: 't', actor: 'a', correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00Z', schemaVersion: 1, brandId });
const events: GuestEvent[] = [
  { type: 'GuestRegistered', data: { guestId: 'g1', profile: { customerType: 'individual', lifecycleStage: 'repeat', attributes: {} }, identities: [], provisional: false }, metadata: meta('hotels') },
  { type: 'PreferenceSet', data: { key: 'pillow', value: 'feather-free', kind: 'preference', scope: 'shared', source: 'desk' }, metadata: meta('hotels') },
  { type: 'PreferenceSet', data: { key: 'table', value: 'window', kind: 'preference', scope: 'brand', brandId: 'bistro', source: 'host' }, metadata: meta('bistro') },
  { type: 'PreferenceSet', data: { key: 'size', value: 'M', kind: 'preference', scope: 'brand', brandId: 'outlet', source: 'store' }, metadata: meta('outlet') },
  { type: 'ConsentChanged', data: { brandId: 'outlet', purpose: 'marketing', channel: 'email', granted: true, source: 'pos' }, metadata: meta('outlet') },
];
const state: GuestState = events.reduce(guestDecider.evolve, guestDecider.initialState());
const scope = (own: string[], visible: string[]): BrandScope => ({ all: false, ownBrands: new Set(own), brands: new Set(visible) });

describe('guest visibility', () => {
  it('shows shared data plus the caller’s own brand-private data only', () => {
    const seen = guestForCaller(state, scope(['bistro'], ['bistro', 'hotels']));
    expect(seen.preferences.map((p) => p.key).sort()).toEqual(['pillow', 'table']);
    expect(seen.consents).toEqual([]);
    expect(seen.brands.sort()).toEqual(['bistro', 'hotels']);
  });

  it('lets chain-wide callers see everything', () => {
    const seen = guestForCaller(state, { all: true });
    expect(seen.preferences).toHaveLength(3);
    expect(seen.consents).toHaveLength(1);
  });

  it('hides guests that have no relationship with a brand the caller may see', () => {
    const outletOnly: GuestState = { ...state, brands: ['outlet'] };
    expect(canSeeGuest(outletOnly, scope(['hotels'], ['hotels', 'bistro']))).toBe(false);
    expect(canSeeGuest(outletOnly, scope(['outlet'], ['outlet']))).toBe(true);
    expect(canSeeGuest(state, scope(['hotels'], ['hotels', 'bistro']))).toBe(true);
    expect(canSeeGuest({ brands: [] }, scope(['outlet'], ['outlet']))).toBe(false);
    expect(canSeeGuest({ brands: [] }, { all: true })).toBe(true);
  });
});

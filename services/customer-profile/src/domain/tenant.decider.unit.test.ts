import { deciderSpec } from '@hearth/testing';
import { identityClaimDecider } from './identity-claim.decider';
import { tenantDecider, validateAttributes, visibleBrands, type TenantEvent, type TenantState } from './tenant.decider';

const spec = deciderSpec(tenantDecider);
const hotels = { brandId: 'hotels', name: 'Hearth Hotels', sharing: 'shared' as const };
const bistro = { brandId: 'bistro', name: 'Bistro', sharing: 'shared' as const };
const outlet = { brandId: 'outlet', name: 'Outlet', sharing: 'private' as const };
const lisbon = { propertyId: 'lis-1', brandId: 'hotels', name: 'Lisbon Riverside', kind: 'hotel' as const, country: 'PT', timeZone: 'Europe/Lisbon' };
const fold = (events: TenantEvent[]): TenantState => events.reduce(tenantDecider.evolve, tenantDecider.initialState());

describe('tenant decider', () => {
  it('adds brands idempotently and refuses a conflicting one', () => {
    spec.given([]).when({ type: 'AddBrand', brand: hotels }).then([{ type: 'BrandAdded', data: hotels }]);
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'AddBrand', brand: hotels }).thenNothingHappened();
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'AddBrand', brand: { ...hotels, name: 'Other' } }).thenThrows('BRAND_EXISTS');
  });

  it('renames a brand and changes its data-sharing agreement', () => {
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'RenameBrand', brandId: 'hotels', name: 'HH' }).then([{ type: 'BrandRenamed', data: { brandId: 'hotels', name: 'HH' } }]);
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'ChangeDataSharing', brandId: 'hotels', sharing: 'private', agreementRef: 'DSA-7' })
      .then([{ type: 'DataSharingChanged', data: { brandId: 'hotels', sharing: 'private', agreementRef: 'DSA-7' } }]);
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'ChangeDataSharing', brandId: 'hotels', sharing: 'shared' }).thenNothingHappened();
    spec.given([]).when({ type: 'RenameBrand', brandId: 'nope', name: 'x' }).thenThrows('BRAND_NOT_FOUND');
  });

  it('adds properties only to existing brands', () => {
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'AddProperty', property: lisbon }).then([{ type: 'PropertyAdded', data: lisbon }]);
    spec.given([]).when({ type: 'AddProperty', property: lisbon }).thenThrows('BRAND_NOT_FOUND');
    spec.given([{ type: 'BrandAdded', data: hotels }, { type: 'PropertyAdded', data: lisbon }]).when({ type: 'AddProperty', property: { ...lisbon, name: 'x' } }).thenThrows('PROPERTY_EXISTS');
    spec.given([{ type: 'BrandAdded', data: hotels }, { type: 'PropertyAdded', data: lisbon }]).when({ type: 'UpdateProperty', property: { ...lisbon, name: 'Lisbon Tejo' } })
      .then([{ type: 'PropertyUpdated', data: { ...lisbon, name: 'Lisbon Tejo' } }]);
    spec.given([{ type: 'BrandAdded', data: hotels }]).when({ type: 'UpdateProperty', property: lisbon }).thenThrows('PROPERTY_NOT_FOUND');
  });

  it('keeps attribute types stable', () => {
    const vip = { key: 'vipLevel', type: 'number' as const, description: 'VIP level 1-3' };
    spec.given([]).when({ type: 'DefineAttribute', attribute: vip }).then([{ type: 'AttributeDefined', data: vip }]);
    spec.given([{ type: 'AttributeDefined', data: vip }]).when({ type: 'DefineAttribute', attribute: vip }).thenNothingHappened();
    spec.given([{ type: 'AttributeDefined', data: vip }]).when({ type: 'DefineAttribute', attribute: { ...vip, description: 'VIP level' } })
      .then([{ type: 'AttributeDefined', data: { ...vip, description: 'VIP level' } }]);
    spec.given([{ type: 'AttributeDefined', data: vip }]).when({ type: 'DefineAttribute', attribute: { ...vip, type: 'string' } }).thenThrows('ATTRIBUTE_TYPE_CONFLICT');
  });

  it('validates attributes against the registry', () => {
    const state = fold([
      { type: 'AttributeDefined', data: { key: 'vipLevel', type: 'number', description: '' } },
      { type: 'AttributeDefined', data: { key: 'anniversary', type: 'date', description: '' } },
    ]);
    expect(() => validateAttributes(state, { vipLevel: 2, anniversary: '2020-06-01', removed: null as never })).toThrow(/not in the tenant's attribute registry/);
    expect(() => validateAttributes(state, { vipLevel: 2, anniversary: '2020-06-01' })).not.toThrow();
    expect(() => validateAttributes(state, { vipLevel: 'gold' })).toThrow(expect.objectContaining({ code: 'INVALID_ATTRIBUTE', field: 'attributes.vipLevel' }));
    expect(() => validateAttributes(state, { anniversary: '01/06/2020' })).toThrow(/must be a date \(YYYY-MM-DD\)/);
  });

  it('computes visible brands from the data-sharing agreement', () => {
    const state = fold([{ type: 'BrandAdded', data: hotels }, { type: 'BrandAdded', data: bistro }, { type: 'BrandAdded', data: outlet }]);
    expect([...visibleBrands(state, ['hotels'])].sort()).toEqual(['bistro', 'hotels']);
    expect([...visibleBrands(state, ['outlet'])]).toEqual(['outlet']);
    expect([...visibleBrands(state, '*')].sort()).toEqual(['bistro', 'hotels', 'outlet']);
    const leaving = tenantDecider.evolve(state, { type: 'DataSharingChanged', data: { brandId: 'bistro', sharing: 'private' } });
    expect([...visibleBrands(leaving, ['hotels'])]).toEqual(['hotels']);
  });
});

describe('identity claim decider', () => {
  const claims = deciderSpec(identityClaimDecider);
  it('lets one guest hold an identifier', () => {
    claims.given([]).when({ type: 'ClaimIdentity', guestId: 'g1' }).then([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }]);
    claims.given([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }]).when({ type: 'ClaimIdentity', guestId: 'g1' }).thenNothingHappened();
    claims.given([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }]).when({ type: 'ClaimIdentity', guestId: 'g2' }).thenThrows('IDENTITY_TAKEN');
  });
  it('frees an identifier only for its holder', () => {
    claims.given([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }]).when({ type: 'ReleaseIdentity', guestId: 'g1' }).then([{ type: 'IdentityReleased', data: { guestId: 'g1' } }]);
    claims.given([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }]).when({ type: 'ReleaseIdentity', guestId: 'g2' }).thenNothingHappened();
    claims.given([{ type: 'IdentityClaimed', data: { guestId: 'g1' } }, { type: 'IdentityReleased', data: { guestId: 'g1' } }]).when({ type: 'ClaimIdentity', guestId: 'g2' })
      .then([{ type: 'IdentityClaimed', data: { guestId: 'g2' } }]);
  });
});

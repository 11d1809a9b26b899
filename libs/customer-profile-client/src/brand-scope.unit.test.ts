import type { TenantDirectory } from '@hearth/contracts';
import { BrandNotAllowedError, createTenantDirectoryCache, resolveViewerScope, UnknownBrandError } from './index';

const directory: TenantDirectory = {
  tenantId: 't1',
  brands: [
    { brandId: 'hotels', name: 'Hotels', sharing: 'shared' },
    { brandId: 'bistro', name: 'Bistro', sharing: 'shared' },
    { brandId: 'outlet', name: 'Outlet', sharing: 'private' },
  ],
  properties: [],
  visibleBrands: { hotels: ['hotels', 'bistro'], bistro: ['bistro', 'hotels'], outlet: ['outlet'] },
};

describe('viewer scope', () => {
  const cache = createTenantDirectoryCache({ tenantDirectory: async () => directory });

  it('a single-brand token acts for its brand and sees its data-sharing partners', async () => {
    const { scope } = await resolveViewerScope(cache, { tenantId: 't1', brands: ['hotels'] }, undefined);
    expect(scope).toEqual({ brandId: 'hotels', visibleBrands: new Set(['hotels', 'bistro']) });
  });

  it('a multi-brand token acts for X-Brand-Id (which it must hold), else for no brand over the union', async () => {
    const viewer = { tenantId: 't1', brands: ['hotels', 'outlet'] };
    expect((await resolveViewerScope(cache, viewer, 'outlet')).scope).toEqual({ brandId: 'outlet', visibleBrands: new Set(['outlet']) });
    expect((await resolveViewerScope(cache, viewer, undefined)).scope).toEqual({ brandId: null, visibleBrands: new Set(['hotels', 'bistro', 'outlet']) });
    await expect(resolveViewerScope(cache, viewer, 'bistro')).rejects.toBeInstanceOf(BrandNotAllowedError);
  });

  it('a chain-wide token sees everything; a brand it names must exist', async () => {
    expect((await resolveViewerScope(cache, { tenantId: 't1', brands: '*' }, undefined)).scope).toEqual({ brandId: null, visibleBrands: 'all' });
    expect((await resolveViewerScope(cache, { tenantId: 't1', brands: '*' }, 'bistro')).scope).toEqual({ brandId: 'bistro', visibleBrands: 'all' });
    await expect(resolveViewerScope(cache, { tenantId: 't1', brands: '*' }, 'nowhere')).rejects.toBeInstanceOf(UnknownBrandError);
  });
});

describe('tenant directory cache', () => {
  it('asks once per tenant and interval, shares concurrent misses and never caches failures', async () => {
    let clock = 0;
    let calls = 0;
    let fail = true;
    const cache = createTenantDirectoryCache(
      {
        tenantDirectory: async () => {
          calls++;
          if (fail) throw new Error('down');
          return directory;
        },
      },
      { ttlMs: 5_000, now: () => clock },
    );
    await expect(cache.get('t1')).rejects.toThrow('down');
    fail = false;
    await Promise.all([cache.get('t1'), cache.get('t1')]);
    expect(calls).toBe(2);
    clock = 4_999;
    await cache.get('t1');
    expect(calls).toBe(2);
    clock = 5_000;
    await cache.get('t1');
    expect(calls).toBe(3);
  });
});

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

  it('serves a stale directory while one request fetches the next, up to maxStaleMs', async () => {
    let clock = 0;
    const answers: Array<(d: typeof directory) => void> = [];
    const cache = createTenantDirectoryCache({ tenantDirectory: () => new Promise((resolve) => answers.push(resolve)) }, { ttlMs: 5_000, maxStaleMs: 30_000, now: () => clock });
    const first = cache.get('t1');
    answers[0]!(directory);
    expect(await first).toBe(directory);

    clock = 6_000; // stale: answered at once with the old directory, one refresh asked
    expect(await cache.get('t1')).toBe(directory);
    expect(await cache.get('t1')).toBe(directory);
    expect(answers).toHaveLength(2);
    const renamed = { ...directory, brands: directory.brands.map((b) => ({ ...b, name: `${b.name} (new)` })) };
    answers[1]!(renamed);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('t1')).toBe(renamed); // the refresh replaced it
    expect(answers).toHaveLength(2);

    clock = 6_000 + 30_000; // older than maxStaleMs: reads wait for a fresh one
    let settled = false;
    const waiting = cache.get('t1').then((d) => ((settled = true), d));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    answers[2]!(directory);
    expect(await waiting).toBe(directory);
  });

  it('keeps serving the stale directory when a refresh fails, and tries again on the next read', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const cache = createTenantDirectoryCache(
      {
        tenantDirectory: async () => {
          calls++;
          if (fail) throw new Error('down');
          return directory;
        },
      },
      { ttlMs: 5_000, maxStaleMs: 30_000, now: () => clock },
    );
    await cache.get('t1');
    fail = true;
    clock = 10_000;
    expect(await cache.get('t1')).toBe(directory);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get('t1')).toBe(directory);
    expect(calls).toBe(3); // the failed refresh was not remembered: the second stale read asked again
    clock = 40_000; // past maxStaleMs with customer-profile still down: the read fails
    await expect(cache.get('t1')).rejects.toThrow('down');
  });
});

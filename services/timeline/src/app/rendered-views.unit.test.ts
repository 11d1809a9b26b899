import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import type { CustomerProfile, TenantDirectoryCache } from '@hearth/customer-profile-client';
import type { TenantDirectory } from '@hearth/contracts';
import { evolveGuestView, initialGuestView, type GuestViewEvent, type GuestViewState } from '../domain/guest-view';
import { toTimelineEntry, touchpointInputSchema } from '../domain/touchpoint.schemas';
import { TIMELINE_PERSONAL_DATA } from '../domain/timeline.types';
import { getGuestView } from './guest-queries';
import type { StoredGuestView, TimelineReadModel } from './read-model.port';
import { RenderedViewCache, scopeKeyOf } from './rendered-views';
import { createTimelineContext } from './timeline-context';

const TENANT = 't1';
const directory: TenantDirectory = {
  tenantId: TENANT,
  brands: [
    { brandId: 'hotels', name: 'Hotels', sharing: 'shared' },
    { brandId: 'bistro', name: 'Bistro', sharing: 'shared' },
  ],
  properties: [],
  visibleBrands: { hotels: ['hotels', 'bistro'], bistro: ['bistro', 'hotels'] },
};

let sequence = 0;
function recorded(body: Record<string, unknown>): GuestViewEvent {
  const input = touchpointInputSchema.parse({ guestId: 'g1', channel: 'front-desk', occurredAt: '2026-05-01T10:00:00Z', ...body });
  const entry = toTimelineEntry(input, { entryId: `e-${++sequence}`, guestId: 'g1', recordedAt: '2026-05-01T10:00:01Z', actor: 'user:u1' });
  return { type: 'EntryRecorded', data: { entry }, recordedAt: entry.recordedAt };
}

function harness() {
  let state: GuestViewState = [
    recorded({ type: 'stay', brandId: 'hotels', amount: { amount: '240.00', currency: 'EUR' }, payload: { arrivalDate: '2026-05-01', departureDate: '2026-05-03' } }),
    // private to the bistro: hotels staff must never see it, whoever read the view before them
    recorded({ type: 'note', brandId: 'bistro', visibility: 'brand', payload: { text: 'bistro-only remark' } }),
  ].reduce(evolveGuestView, initialGuestView('g1', TENANT));
  let version = 2;
  let reads = 0;
  let parses = 0;
  const readModel: Pick<TimelineReadModel, 'guestView' | 'guestViews'> = {
    async guestView(_tenant, guestId) {
      reads++;
      const stored: StoredGuestView = {
        guestId,
        version,
        mergedInto: null,
        linked: [],
        state: () => {
          parses++;
          return state;
        },
      };
      return guestId === 'g1' ? stored : undefined;
    },
    async guestViews() {
      return new Map();
    },
  };
  let nowMs = Date.parse('2026-06-01T12:00:00Z');
  const raw = new MemoryEventStore();
  const ctx = createTimelineContext({
    store: new CryptoShreddingEventStore(raw, { keys: new MemorySubjectKeyStore(), personalData: TIMELINE_PERSONAL_DATA }),
    rawStore: raw,
    profile: {} as CustomerProfile,
    directory: { get: async () => directory } satisfies TenantDirectoryCache,
    readModel: readModel as TimelineReadModel,
    renderedViews: new RenderedViewCache({ maxAgeMs: 60_000 }),
    now: () => new Date(nowMs),
  });
  return {
    ctx,
    read: (brands: string[] | '*', brandId?: string) => getGuestView(ctx, { viewer: { tenantId: TENANT, brands }, brandId }, 'g1'),
    advance: (ms: number) => void (nowMs += ms),
    append: (event: GuestViewEvent) => {
      state = evolveGuestView(state, event);
      version++;
    },
    reads: () => reads,
    parses: () => parses,
  };
}

describe('rendered guest views', () => {
  it('answers an unchanged view with the kept JSON, as of its generatedAt, for at most maxAge', async () => {
    const h = harness();
    const first = await h.read(['hotels']);
    expect(JSON.parse(first.json)).toMatchObject({ guestId: 'g1', generatedAt: '2026-06-01T12:00:00.000Z', totals: { visits: 1 } });
    h.advance(59_000);
    const again = await h.read(['hotels']);
    expect(again).toEqual({ json: first.json, version: 2 });
    // the stored view is read each time (its version decides); its state is parsed and presented once
    expect(h.reads()).toBe(2);
    expect(h.parses()).toBe(1);
    h.advance(1_000);
    expect(JSON.parse((await h.read(['hotels'])).json).generatedAt).toBe('2026-06-01T12:01:00.000Z');
  });

  it('presents the view again as soon as the guest has a new event', async () => {
    const h = harness();
    await h.read(['hotels']);
    h.append(recorded({ type: 'stay', brandId: 'hotels', amount: { amount: '100.00', currency: 'EUR' }, payload: { arrivalDate: '2026-05-10', departureDate: '2026-05-11' } }));
    const after = await h.read(['hotels']);
    expect(after.version).toBe(3);
    expect(JSON.parse(after.json).totals.visits).toBe(2);
  });

  it('keeps one rendering per caller scope: brand-private data never crosses to another brand', async () => {
    const h = harness();
    const bistro = await h.read(['bistro']);
    expect(bistro.json).toContain('bistro-only remark');
    const hotels = await h.read(['hotels']);
    expect(hotels.json).not.toContain('bistro-only remark');
    const chainWide = await h.read('*');
    expect(chainWide.json).toContain('bistro-only remark');
    expect((await h.read(['hotels'])).json).toBe(hotels.json);
  });
});

describe('RenderedViewCache', () => {
  const json = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(80) }) as Parameters<RenderedViewCache['set']>[3];

  it('forgets a rendering of other versions, or one too old, or rendered in the future (a clock set back)', () => {
    const cache = new RenderedViewCache({ maxAgeMs: 1_000 });
    cache.set('k', 'v1', 10_000, json(1));
    expect(cache.get('k', 'v1', 10_999)).toBe(json(1));
    expect(cache.get('k', 'v2', 10_000)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('k', 'v1', 10_000, json(1));
    expect(cache.get('k', 'v1', 11_000)).toBeUndefined();
    cache.set('k', 'v1', 10_000, json(1));
    expect(cache.get('k', 'v1', 9_000)).toBeUndefined();
  });

  it('stays within its size, dropping the oldest renderings first', () => {
    const one = 'k0'.length + json(0).length;
    const cache = new RenderedViewCache({ maxChars: one * 3, maxAgeMs: 60_000 });
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, 'v', 0, json(i));
    expect(cache.size).toBe(3);
    expect(cache.get('k1', 'v', 0)).toBeUndefined();
    expect(cache.get('k4', 'v', 0)).toBe(json(4));
  });

  it('keys scopes by acting brand and visible brands, in any order', () => {
    expect(scopeKeyOf({ brandId: 'a', visibleBrands: new Set(['b', 'a']) })).toBe(scopeKeyOf({ brandId: 'a', visibleBrands: new Set(['a', 'b']) }));
    expect(scopeKeyOf({ brandId: 'a', visibleBrands: new Set(['a']) })).not.toBe(scopeKeyOf({ brandId: 'a', visibleBrands: new Set(['a', 'b']) }));
    expect(scopeKeyOf({ brandId: null, visibleBrands: 'all' })).not.toBe(scopeKeyOf({ brandId: 'a', visibleBrands: 'all' }));
  });
});

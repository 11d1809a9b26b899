import type { AnyIntegrationEvent } from '@hearth/contracts';
import { z } from 'zod';
import {
  combineViews,
  compareEntriesNewestFirst,
  evolveGuestView,
  guestViewResponseSchema,
  initialGuestView,
  linkedGuestIds,
  presentView,
  type GuestViewEvent,
  type GuestViewResponse,
  type GuestViewState,
} from './guest-view';
import { entryFromIntegrationEvent } from './integration-entry';
import { toTimelineEntry, touchpointInputSchema } from './touchpoint.schemas';
import type { ProfileSnapshot, TimelineEntry, ViewerScope } from './timeline.types';

// ------------------------------------------------------------------------------------------------ fixtures

const NOW = '2026-06-15T12:00:00Z';
const chainWide: ViewerScope = { brandId: null, visibleBrands: 'all' };
/** Brand A shares data with brand B; brand C shares with nobody. */
const brandA: ViewerScope = { brandId: 'brand-a', visibleBrands: new Set(['brand-a', 'brand-b']) };
const brandB: ViewerScope = { brandId: 'brand-b', visibleBrands: new Set(['brand-a', 'brand-b']) };

let sequence = 0;
/** A touchpoint as the API would record it (validated, then turned into an entry). */
function touchpoint(guestId: string, body: Record<string, unknown>, entryId = `e-${++sequence}`): TimelineEntry {
  const input = touchpointInputSchema.parse({ guestId, brandId: 'brand-a', channel: 'front-desk', occurredAt: '2026-05-01T10:00:00Z', ...body });
  return toTimelineEntry(input, { entryId, guestId, recordedAt: `2026-06-01T00:00:${String(sequence % 60).padStart(2, '0')}Z`, actor: 'user:u-1' });
}

function integration(guestId: string, type: string, data: Record<string, unknown>, occurredAt: string, brandId?: string): TimelineEntry {
  const envelope: AnyIntegrationEvent = {
    id: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    type,
    version: 1,
    source: type.split('.')[1]!,
    tenantId: 't-1',
    guestId,
    occurredAt,
    correlationId: 'c-1',
    data,
    ...(brandId ? { brandId } : {}),
  };
  return entryFromIntegrationEvent(envelope, '2026-06-01T00:00:00Z')!;
}

const recorded = (entry: TimelineEntry): GuestViewEvent => ({ type: 'EntryRecorded', data: { entry }, recordedAt: entry.recordedAt });

function profile(overrides: Partial<ProfileSnapshot> = {}): ProfileSnapshot {
  return {
    status: 'active',
    name: { title: 'Ms', given: 'Ada', family: 'Lovelace' },
    dateOfBirth: '1985-06-18',
    language: 'en',
    customerType: 'individual',
    lifecycleStage: 'repeat',
    identifiers: [{ type: 'email', masked: 'a***@example.com' }],
    preferences: [
      { key: 'pillow', kind: 'preference', scope: 'shared', brandId: null, value: 'feather-free', setAt: '2026-01-01T00:00:00Z' },
      { key: 'table', kind: 'preference', scope: 'brand', brandId: 'brand-b', value: 'window', setAt: '2026-01-01T00:00:00Z' },
      { key: 'wine', kind: 'preference', scope: 'brand', brandId: 'brand-a', value: 'red', setAt: '2026-01-01T00:00:00Z' },
      { key: 'cot', kind: 'special-request', scope: 'shared', brandId: null, value: 'baby cot', setAt: '2026-01-01T00:00:00Z' },
    ],
    consents: [
      { brandId: 'brand-a', purpose: 'marketing', channel: 'email', granted: true, at: '2026-01-01T00:00:00Z' },
      { brandId: 'brand-c', purpose: 'marketing', channel: 'sms', granted: false, at: '2026-01-01T00:00:00Z' },
    ],
    takenAt: '2026-06-01T00:00:00Z',
    ...overrides,
  };
}

const snapshot = (guestId: string, p: ProfileSnapshot): GuestViewEvent => ({ type: 'ProfileSnapshotRecorded', data: { guestId, profile: p }, recordedAt: p.takenAt });
const linked = (kind: 'GuestLinked' | 'GuestUnlinked', survivorId: string, mergedId: string, at: string): GuestViewEvent => ({
  type: kind,
  data: { mergeId: 'm-1', survivorId, mergedId, at },
  recordedAt: at,
});
const erasure = (guestId: string, erasedAt: string): GuestViewEvent => ({ type: 'GuestErasureRecorded', data: { guestId, erasedAt }, recordedAt: erasedAt });

function fold(guestId: string, events: GuestViewEvent[]): GuestViewState {
  return events.reduce(evolveGuestView, initialGuestView(guestId, 't-1'));
}

function view(state: GuestViewState, scope: ViewerScope = chainWide, asOf?: string): GuestViewResponse {
  const response = presentView(state, { scope, now: NOW, asOf: asOf ?? null });
  // Every response must satisfy the published schema (the route parses it too).
  expect(guestViewResponseSchema.parse(response)).toEqual(response);
  return response;
}

const stay = (guestId: string, brandId: string, occurredAt: string, amount: string, extra: Record<string, unknown> = {}) =>
  touchpoint(guestId, {
    type: 'stay',
    brandId,
    occurredAt,
    amount: { amount, currency: 'EUR' },
    payload: { arrivalDate: occurredAt.slice(0, 10), departureDate: addDays(occurredAt.slice(0, 10), 2) },
    ...extra,
  });

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

// ------------------------------------------------------------------------------------------------ tests

describe('guest view: relationship figures', () => {
  it('given visits at two brands, then totals and per-brand figures add up by currency', () => {
    const state = fold('g-1', [
      recorded(stay('g-1', 'brand-a', '2026-01-10T11:00:00Z', '240.00')),
      recorded(touchpoint('g-1', { type: 'dining-visit', brandId: 'brand-b', occurredAt: '2026-02-01T20:00:00Z', amount: { amount: '80.50', currency: 'EUR' }, payload: { covers: 2 } })),
      recorded(touchpoint('g-1', { type: 'purchase', brandId: 'brand-b', occurredAt: '2026-03-01T15:00:00Z', amount: { amount: '30', currency: 'USD' }, payload: { items: [{ sku: 'MUG', quantity: 1 }] } })),
      recorded(touchpoint('g-1', { type: 'note', occurredAt: '2026-03-02T15:00:00Z', payload: { text: 'likes jazz' } })),
    ]);
    const v = view(state);
    expect(v.totals).toEqual({
      visits: 3,
      stays: 1,
      nights: 2,
      firstVisitAt: '2026-01-10T11:00:00Z',
      lastVisitAt: '2026-03-01T15:00:00Z',
      spend: [
        { amount: '320.50', currency: 'EUR' },
        { amount: '30.00', currency: 'USD' },
      ],
    });
    expect(v.brands).toEqual([
      {
        brandId: 'brand-b',
        visits: 2,
        stays: 0,
        nights: 0,
        firstVisitAt: '2026-02-01T20:00:00Z',
        lastVisitAt: '2026-03-01T15:00:00Z',
        spend: [
          { amount: '80.50', currency: 'EUR' },
          { amount: '30.00', currency: 'USD' },
        ],
        lastInteractionAt: '2026-03-01T15:00:00Z',
      },
      {
        brandId: 'brand-a',
        visits: 1,
        stays: 1,
        nights: 2,
        firstVisitAt: '2026-01-10T11:00:00Z',
        lastVisitAt: '2026-01-10T11:00:00Z',
        spend: [{ amount: '240.00', currency: 'EUR' }],
        lastInteractionAt: '2026-03-02T15:00:00Z',
      },
    ]);
  });

  it('counts sales events as purchases and their refunds against spend', () => {
    const state = fold('g-1', [
      recorded(integration('g-1', 'hearth.sales.sale-completed', { amount: { currency: 'EUR', minor: 5000 } }, '2026-05-01T10:00:00Z', 'brand-a')),
      recorded(integration('g-1', 'hearth.sales.sale-refunded', { amount: { currency: 'EUR', amount: '20.00' } }, '2026-05-02T10:00:00Z', 'brand-a')),
      recorded(integration('g-1', 'hearth.service-tickets.recovery-given', { ticketId: 'T-1', value: { currency: 'EUR', minor: 999 } }, '2026-05-03T10:00:00Z', 'brand-a')),
    ]);
    expect(view(state).totals).toEqual(expect.objectContaining({ visits: 1, spend: [{ amount: '30.00', currency: 'EUR' }] }));
  });
});

describe('guest view: out-of-order arrival', () => {
  it('given entries appended out of occurredAt order, then the timeline and first/last visit follow occurredAt', () => {
    const late = stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '100.00');
    const early = stay('g-1', 'brand-a', '2025-11-01T10:00:00Z', '100.00');
    const middle = touchpoint('g-1', { type: 'note', occurredAt: '2026-01-01T10:00:00+05:00', payload: { text: 'x' } });
    const v = view(fold('g-1', [recorded(late), recorded(early), recorded(middle)]));
    expect(v.timeline.map((e) => e.entryId)).toEqual([late.entryId, middle.entryId, early.entryId]);
    expect(v.totals.firstVisitAt).toBe('2025-11-01T10:00:00Z');
    expect(v.totals.lastVisitAt).toBe('2026-05-01T10:00:00Z');
  });

  it('keeps the 20 newest entries whatever the arrival order', () => {
    const entries = Array.from({ length: 30 }, (_, i) => touchpoint('g-1', { type: 'note', occurredAt: `2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`, payload: { text: `n${i}` } }));
    const shuffled = [...entries.filter((_, i) => i % 2 === 0).reverse(), ...entries.filter((_, i) => i % 2 === 1)];
    const v = view(fold('g-1', shuffled.map(recorded)));
    expect(v.timeline).toHaveLength(20);
    expect(v.timeline.map((e) => e.entryId)).toEqual(entries.slice(10).reverse().map((e) => e.entryId));
  });

  it('orders ties the way compareEntriesNewestFirst does: one instant written with two offsets, then recordedAt, then entry id', () => {
    const at = (occurredAt: string, recordedAt: string, entryId: string): TimelineEntry => ({ ...touchpoint('g-1', { type: 'note', occurredAt, payload: { text: entryId } }, entryId), recordedAt });
    const entries = [
      at('2026-03-01T12:00:00+02:00', '2026-03-02T00:00:00Z', 'e-a'),
      at('2026-03-01T10:00:00Z', '2026-03-02T00:00:00Z', 'e-b'), // the same instant as e-a
      at('2026-03-01T10:00:00Z', '2026-03-03T00:00:00Z', 'e-c'), // recorded later
      at('2026-03-01T10:00:00Z', '2026-03-02T00:00:00Z', 'e-d'),
      at('2026-02-01T10:00:00Z', '2026-03-02T00:00:00Z', 'e-e'),
      at('2026-04-01T10:00:00Z', '2026-03-02T00:00:00Z', 'e-f'),
    ];
    const expected = [...entries].sort(compareEntriesNewestFirst).map((e) => e.entryId);
    // one instant in two spellings: the texts decide (deterministic); equal texts: recorded later first, then the larger id
    expect(expected).toEqual(['e-f', 'e-a', 'e-c', 'e-d', 'e-b', 'e-e']);
    for (const order of [entries, [...entries].reverse(), [entries[3]!, entries[0]!, entries[5]!, entries[1]!, entries[4]!, entries[2]!]]) {
      expect(view(fold('g-1', order.map(recorded))).timeline.map((e) => e.entryId)).toEqual(expected);
    }
  });

  it('leaves profile maintenance out of the last entries (it stays on the timeline), so newer consents never push stays out', () => {
    const stays = Array.from({ length: 3 }, (_, i) => stay('g-1', 'brand-a', `2026-02-0${i + 1}T10:00:00Z`, '100.00'));
    const consents = Array.from({ length: 25 }, (_, i) =>
      integration('g-1', 'hearth.customer-profile.guest-consent-changed', { guestId: 'g-1', brandId: 'brand-a', purpose: 'marketing', channel: 'email', granted: i % 2 === 0 }, `2026-03-01T10:${String(i).padStart(2, '0')}:00Z`),
    );
    const registered = integration('g-1', 'hearth.customer-profile.guest-registered', { guestId: 'g-1' }, '2026-01-01T09:00:00Z');
    const state = fold('g-1', [registered, ...stays, ...consents].map(recorded));
    const v = view(state);
    expect(v.timeline.map((e) => e.entryId)).toEqual([...stays.reverse(), registered].map((e) => e.entryId));
    expect(state.entryCount).toBe(29);
  });

  it('given a recovery recorded before its complaint, then the complaint shows as recovered', () => {
    const complaint = touchpoint('g-1', { type: 'complaint', occurredAt: '2026-06-01T10:00:00Z', payload: { complaintId: 'C-1', category: 'noise', severity: 'medium' } });
    const recovery = touchpoint('g-1', { type: 'service-recovery', occurredAt: '2026-06-02T10:00:00Z', payload: { complaintId: 'C-1', action: 'apology' } });
    const v = view(fold('g-1', [recorded(recovery), recorded(complaint)]));
    expect(v.recentComplaints).toEqual([expect.objectContaining({ complaintId: 'C-1', status: 'resolved', recoveries: [expect.objectContaining({ action: 'apology' })] })]);
    expect(v.cues.map((c) => c.code)).not.toContain('open-complaint');
  });
});

describe('guest view: idempotency', () => {
  it('given the same entry recorded twice, then nothing changes the second time', () => {
    const entry = stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00');
    const once = fold('g-1', [recorded(entry)]);
    const twice = evolveGuestView(once, recorded(entry));
    expect(twice).toBe(once);
    expect(view(twice).totals.stays).toBe(1);
  });

  it('ignores unknown event types and malformed data', () => {
    const state = fold('g-1', [recorded(stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00'))]);
    expect(evolveGuestView(state, { type: 'SomethingNew', data: { x: 1 }, recordedAt: NOW })).toBe(state);
    expect(evolveGuestView(state, { type: 'EntryRecorded', data: { entry: { entryId: 'x' } }, recordedAt: NOW })).toBe(state);
    expect(evolveGuestView(state, { type: 'EntryRecorded', data: null, recordedAt: NOW })).toBe(state);
    expect(evolveGuestView(state, { type: 'GuestLinked', data: { mergeId: 'm' }, recordedAt: NOW })).toBe(state);
    expect(evolveGuestView(state, { type: 'ProfileSnapshotRecorded', data: { profile: 'nope' }, recordedAt: NOW })).toBe(state);
  });

  it('is a pure fold: the state is plain JSON and folding twice gives the same result', () => {
    const events = [snapshot('g-1', profile()), recorded(stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00'))];
    const state = fold('g-1', events);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(fold('g-1', events)).toEqual(state);
  });

  it('never changes the states it combines and presents (a cached state is shared by every reader)', () => {
    const deepFreeze = <T>(value: T): T => {
      if (value && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const item of Object.values(value as Record<string, unknown>)) deepFreeze(item);
      }
      return value;
    };
    const survivor = deepFreeze(fold('g-1', [snapshot('g-1', profile()), recorded(stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00')), linked('GuestLinked', 'g-1', 'g-2', '2026-05-02T00:00:00Z')]));
    const merged = deepFreeze(fold('g-2', [recorded(stay('g-2', 'brand-b', '2026-04-01T10:00:00Z', '100.00')), linked('GuestLinked', 'g-1', 'g-2', '2026-05-02T00:00:00Z')]));
    const before = JSON.stringify([survivor, merged]);
    const combined = combineViews(survivor, [merged]);
    expect(view(combined, brandA).totals.stays).toBe(2);
    expect(view(survivor, chainWide).totals.stays).toBe(1);
    expect(JSON.stringify([survivor, merged])).toBe(before);
  });
});

describe('guest view: brand scoping', () => {
  const events = [
    snapshot('g-1', profile()),
    recorded(stay('g-1', 'brand-a', '2026-01-10T11:00:00Z', '100.00')),
    recorded(stay('g-1', 'brand-a', '2026-02-10T11:00:00Z', '200.00', { visibility: 'brand' })),
    recorded(stay('g-1', 'brand-b', '2026-03-10T11:00:00Z', '400.00', { visibility: 'brand' })),
    recorded(stay('g-1', 'brand-b', '2026-03-20T11:00:00Z', '800.00')),
    recorded(stay('g-1', 'brand-c', '2026-04-10T11:00:00Z', '1600.00')),
    recorded(touchpoint('g-1', { type: 'complaint', brandId: 'brand-b', visibility: 'brand', occurredAt: '2026-06-01T10:00:00Z', payload: { category: 'staff', severity: 'high' } })),
    recorded(integration('g-1', 'hearth.loyalty.tier-changed', { tier: 'platinum', visibility: 'brand' }, '2026-05-01T10:00:00Z', 'brand-c')),
  ];
  const state = fold('g-1', events);

  it('given brand A sharing with B, then A sees shared and its own private data, not B’s private nor anything of C', () => {
    const v = view(state, brandA);
    expect(v.totals.stays).toBe(3);
    expect(v.totals.spend).toEqual([{ amount: '1100.00', currency: 'EUR' }]);
    expect(v.brands.map((b) => [b.brandId, b.visits])).toEqual([
      ['brand-b', 1],
      ['brand-a', 2],
    ]);
    expect(v.timeline.map((e) => [e.brandId, e.visibility])).toEqual([
      ['brand-b', 'shared'],
      ['brand-a', 'brand'],
      ['brand-a', 'shared'],
    ]);
    expect(v.recentComplaints).toEqual([]);
    expect(v.loyalty).toEqual({ available: false });
    expect(v.cues.map((c) => c.code)).toEqual(['birthday']);
    expect(v.preferences.map((p) => p.key)).toEqual(['pillow', 'wine']);
    expect(v.specialRequests.map((p) => p.key)).toEqual(['cot']);
    expect(v.consents.map((c) => c.brandId)).toEqual(['brand-a']);
  });

  it('given brand B, then it sees its own private stay and complaint but not A’s private stay', () => {
    const v = view(state, brandB);
    expect(v.totals.stays).toBe(3);
    expect(v.totals.spend).toEqual([{ amount: '1300.00', currency: 'EUR' }]);
    expect(v.recentComplaints.map((c) => c.category)).toEqual(['staff']);
    expect(v.cues.map((c) => c.code)).toEqual(['open-complaint', 'service-failure-without-recovery', 'birthday']);
    expect(v.preferences.map((p) => p.key)).toEqual(['pillow', 'table']);
  });

  it('given a brand caller without visits there, then first-visit-to-brand fires', () => {
    const newcomer: ViewerScope = { brandId: 'brand-d', visibleBrands: new Set(['brand-d', 'brand-a']) };
    const v = view(state, newcomer);
    expect(v.cues.map((c) => c.code)).toContain('first-visit-to-brand');
    expect(v.totals.stays).toBe(1);
  });

  it('given a chain-wide caller, then everything is visible', () => {
    const v = view(state, chainWide);
    expect(v.totals.stays).toBe(5);
    expect(v.totals.spend).toEqual([{ amount: '3100.00', currency: 'EUR' }]);
    expect(v.loyalty).toEqual(expect.objectContaining({ available: true, tier: 'platinum' }));
    expect(v.cues.map((c) => c.code)).toEqual(['open-complaint', 'service-failure-without-recovery', 'vip', 'birthday']);
    expect(v.preferences).toHaveLength(3);
    expect(v.consents).toHaveLength(2);
  });
});

describe('guest view: merges', () => {
  const survivorHistory = [snapshot('g-1', profile()), recorded(stay('g-1', 'brand-a', '2026-01-10T11:00:00Z', '100.00'))];
  const mergedHistory = [
    recorded(stay('g-2', 'brand-a', '2025-12-10T11:00:00Z', '50.00')),
    recorded(touchpoint('g-2', { type: 'complaint', occurredAt: '2026-06-01T10:00:00Z', payload: { complaintId: 'C-9', category: 'billing', severity: 'low' } })),
  ];
  const survivorBefore = fold('g-1', survivorHistory);
  const mergedBefore = fold('g-2', mergedHistory);

  it('given a merge, then the survivor’s view includes both histories and names the merged guest', () => {
    const survivor = fold('g-1', [...survivorHistory, linked('GuestLinked', 'g-1', 'g-2', '2026-06-10T00:00:00Z')]);
    const merged = fold('g-2', [...mergedHistory, linked('GuestLinked', 'g-1', 'g-2', '2026-06-10T00:00:00Z')]);
    expect(linkedGuestIds(survivor)).toEqual(['g-2']);
    expect(merged.mergedInto).toEqual({ survivorId: 'g-1', mergeId: 'm-1', at: '2026-06-10T00:00:00Z' });

    const v = view(combineViews(survivor, [merged]), brandA);
    expect(v.totals).toEqual(expect.objectContaining({ stays: 2, firstVisitAt: '2025-12-10T11:00:00Z', spend: [{ amount: '150.00', currency: 'EUR' }] }));
    expect(v.timeline.map((e) => e.guestId)).toEqual(['g-2', 'g-1', 'g-2']);
    expect(v.recentComplaints.map((c) => c.complaintId)).toEqual(['C-9']);
    expect(v.mergedGuests).toEqual(['g-2']);
    expect(v.identity?.displayName).toBe('Ms Ada Lovelace');
    expect(view(merged).mergedInto).toBe('g-1');
  });

  it('given an unmerge, then both views are exactly as before the merge', () => {
    const survivor = fold('g-1', [...survivorHistory, linked('GuestLinked', 'g-1', 'g-2', '2026-06-10T00:00:00Z'), linked('GuestUnlinked', 'g-1', 'g-2', '2026-06-11T00:00:00Z')]);
    const merged = fold('g-2', [...mergedHistory, linked('GuestLinked', 'g-1', 'g-2', '2026-06-10T00:00:00Z'), linked('GuestUnlinked', 'g-1', 'g-2', '2026-06-11T00:00:00Z')]);
    expect(linkedGuestIds(survivor)).toEqual([]);
    expect(view(combineViews(survivor, []), brandA)).toEqual(view(survivorBefore, brandA));
    expect(view(merged, brandA)).toEqual(view(mergedBefore, brandA));
  });

  it('follows chained merges when given every linked state, counting each guest once', () => {
    const third = fold('g-3', [recorded(stay('g-3', 'brand-a', '2025-10-10T11:00:00Z', '10.00'))]);
    const combined = combineViews(survivorBefore, [mergedBefore, third, mergedBefore]);
    expect(view(combined).totals.stays).toBe(3);
    expect(view(combined).mergedGuests.sort()).toEqual(['g-2', 'g-3']);
  });
});

describe('guest view: erasure', () => {
  it('given an erased guest, then personal data is gone while facts and totals remain', () => {
    const state = fold('g-1', [
      snapshot('g-1', profile()),
      recorded(stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00')),
      recorded(touchpoint('g-1', { type: 'note', occurredAt: '2026-05-02T10:00:00Z', payload: { text: 'Allergic to nuts' } })),
      recorded(touchpoint('g-1', { type: 'complaint', occurredAt: '2026-06-01T10:00:00Z', payload: { category: 'food', severity: 'high', description: 'Nuts in the dessert' } })),
      recorded(
        touchpoint('g-1', {
          type: 'reservation-made',
          occurredAt: '2026-06-02T10:00:00Z',
          payload: { reservationId: 'R-1', arrivalDate: '2026-07-01', departureDate: '2026-07-03', specialRequests: 'nut-free breakfast' },
        }),
      ),
      erasure('g-1', '2026-06-10T00:00:00Z'),
      recorded(touchpoint('g-1', { type: 'note', occurredAt: '2026-06-11T10:00:00Z', payload: { text: 'late note' } })),
    ]);
    const v = view(state);
    expect(v.identity).toEqual(
      expect.objectContaining({ erased: true, status: 'erased', name: null, displayName: null, dateOfBirth: null, identifiers: [{ type: 'email', masked: null }] }),
    );
    expect(v.totals).toEqual(expect.objectContaining({ stays: 1, nights: 2, spend: [{ amount: '240.00', currency: 'EUR' }] }));
    expect(v.timeline.every((e) => e.personal === null)).toBe(true);
    expect(v.timeline.find((e) => e.type === 'stay')?.facts).toEqual(expect.objectContaining({ nights: 2 }));
    expect(v.recentComplaints[0]).toEqual(expect.objectContaining({ category: 'food', description: null }));
    expect(v.specialRequests.every((r) => r.value === null)).toBe(true);
    expect(v.preferences.every((p) => p.value === null)).toBe(true);
    expect(v.cues.map((c) => c.code)).not.toContain('birthday');
    expect(JSON.stringify(state)).not.toMatch(/nut|Ada|Lovelace|a\*\*\*/i);
  });

  it('given an erased guest never snapshotted, then the identity still says erased', () => {
    expect(view(fold('g-1', [erasure('g-1', '2026-06-10T00:00:00Z')])).identity).toEqual(expect.objectContaining({ erased: true, name: null }));
    expect(view(fold('g-1', [])).identity).toBeNull();
  });
});

describe('guest view: time travel', () => {
  it('given a fold of the events recorded up to a moment, then the view is the one known then', () => {
    const events: GuestViewEvent[] = [
      snapshot('g-1', profile()),
      recorded(stay('g-1', 'brand-a', '2026-05-01T10:00:00Z', '240.00')),
      { ...recorded(touchpoint('g-1', { type: 'complaint', occurredAt: '2026-06-05T10:00:00Z', payload: { complaintId: 'C-5', category: 'noise', severity: 'low' } })), recordedAt: '2026-06-05T10:00:01Z' },
      { ...recorded(touchpoint('g-1', { type: 'service-recovery', occurredAt: '2026-06-06T10:00:00Z', payload: { complaintId: 'C-5', action: 'apology' } })), recordedAt: '2026-06-06T10:00:01Z' },
    ];
    const asOf = '2026-06-05T12:00:00Z';
    const prefix = events.filter((e) => e.recordedAt <= asOf);
    const then = view(fold('g-1', prefix), chainWide, asOf);
    expect(then.asOf).toBe(asOf);
    expect(then.recentComplaints).toHaveLength(1);
    expect(then.cues.map((c) => c.code)).toEqual(['open-complaint', 'service-failure-without-recovery']);
    const today = view(fold('g-1', events));
    expect(today.recentComplaints[0]?.status).toBe('resolved');
    expect(today.cues.map((c) => c.code)).toEqual(['birthday']);
    // Folding the prefix and then the rest is the same as folding everything.
    expect(events.slice(prefix.length).reduce(evolveGuestView, fold('g-1', prefix))).toEqual(fold('g-1', events));
  });

  it('computes cues for the asOf moment, not for now', () => {
    const state = fold('g-1', [snapshot('g-1', profile({ dateOfBirth: '1985-01-03' }))]);
    expect(view(state, chainWide).cues.map((c) => c.code)).toEqual([]);
    expect(view(state, chainWide, '2025-12-30T08:00:00Z').cues.map((c) => c.code)).toEqual(['birthday']);
  });
});

describe('guest view: profile, tickets, loyalty, analytics and reservations', () => {
  it('shows identity only once a snapshot arrived and keeps the newest snapshot', () => {
    const newer = profile({ lifecycleStage: 'loyal', takenAt: '2026-06-02T00:00:00Z' });
    const older = profile({ lifecycleStage: 'prospect', takenAt: '2026-05-01T00:00:00Z' });
    const v = view(fold('g-1', [snapshot('g-1', newer), snapshot('g-1', older)]));
    expect(v.identity).toEqual(expect.objectContaining({ guestId: 'g-1', status: 'active', erased: false, lifecycleStage: 'loyal', dateOfBirth: '1985-06-18' }));
  });

  it('follows a ticket’s status by occurredAt and ties a ticket complaint to it', () => {
    const t = (event: string, occurredAt: string, data: Record<string, unknown> = {}) =>
      recorded(integration('g-1', `hearth.service-tickets.${event}`, { ticketId: 'T-1', ...data }, occurredAt, 'brand-a'));
    const open = fold('g-1', [
      t('ticket-assigned', '2026-06-10T11:00:00Z', { priority: 'high' }),
      t('ticket-opened', '2026-06-10T10:00:00Z', { ticketType: 'complaint' }),
      t('complaint-recorded', '2026-06-10T10:00:01Z', { complaintType: 'billing', severity: 'medium' }),
      t('recovery-given', '2026-06-10T12:00:00Z', { action: 'refund', value: { currency: 'EUR', minor: 2000 } }),
    ]);
    const before = view(open, brandA);
    expect(before.openTickets).toEqual([
      { ticketId: 'T-1', status: 'assigned', brandId: 'brand-a', category: 'complaint', priority: 'high', openedAt: '2026-06-10T10:00:00Z', updatedAt: '2026-06-10T12:00:00Z' },
    ]);
    expect(before.recentComplaints).toEqual([
      expect.objectContaining({ complaintId: 'T-1', ticketId: 'T-1', status: 'open', category: 'billing', recoveries: [expect.objectContaining({ action: 'refund', value: { amount: '20.00', currency: 'EUR' } })] }),
    ]);
    expect(before.cues.map((c) => c.code)).toContain('open-complaint');
    expect(before.cues.map((c) => c.code)).not.toContain('service-failure-without-recovery');

    const resolved = [t('ticket-resolved', '2026-06-11T10:00:00Z'), t('ticket-reopened', '2026-06-10T13:00:00Z')].reduce(evolveGuestView, open);
    const after = view(resolved, brandA);
    expect(after.openTickets).toEqual([]);
    expect(after.recentComplaints[0]?.status).toBe('resolved');
  });

  it('says loyalty and analytics are unavailable until their events exist, then keeps the latest values', () => {
    expect(view(fold('g-1', [])).loyalty).toEqual({ available: false });
    expect(view(fold('g-1', [])).analytics).toEqual({ available: false });
    const state = fold('g-1', [
      recorded(integration('g-1', 'hearth.loyalty.tier-changed', { tier: 'elite', pointsBalance: 5000 }, '2026-06-01T10:00:00Z')),
      recorded(integration('g-1', 'hearth.loyalty.tier-changed', { tier: 'silver', pointsBalance: 100 }, '2026-01-01T10:00:00Z')),
      recorded(integration('g-1', 'hearth.loyalty.points-earned', { pointsBalance: 5200, pointsExpiring: { points: 300, expiresAt: '2026-07-01T00:00:00Z' } }, '2026-06-02T10:00:00Z')),
      recorded(integration('g-1', 'hearth.analytics.guest-scored', { segments: ['families'], valueScore: 0.8, riskScore: 0.75 }, '2026-06-03T10:00:00Z')),
      recorded(integration('g-1', 'hearth.analytics.offer-selected', { nextBestOffer: { code: 'SPA-20', label: 'Spa offer' } }, '2026-06-04T10:00:00Z')),
    ]);
    const v = view(state);
    expect(v.loyalty).toEqual({ available: true, brandId: null, programId: null, tier: 'elite', pointsBalance: 5200, pointsExpiring: { points: 300, expiresAt: '2026-07-01T00:00:00Z' }, asOf: '2026-06-02T10:00:00Z' });
    expect(v.analytics).toEqual({ available: true, segments: ['families'], valueScore: 0.8, riskScore: 0.75, offer: { code: 'SPA-20', label: 'Spa offer' }, asOf: '2026-06-04T10:00:00Z' });
    expect(v.cues.map((c) => c.code)).toEqual(['at-risk', 'vip', 'points-expiring', 'offer']);
  });

  it('lists special requests of upcoming booked reservations, not of cancelled or past ones', () => {
    const made = (reservationId: string, arrivalDate: string, occurredAt = '2026-06-01T10:00:00Z') =>
      recorded(
        touchpoint('g-1', {
          type: 'reservation-made',
          propertyId: 'p-1',
          occurredAt,
          payload: { reservationId, arrivalDate, departureDate: addDays(arrivalDate, 1), specialRequests: `requests for ${reservationId}` },
        }),
      );
    const cancelled = (reservationId: string, occurredAt: string) => recorded(touchpoint('g-1', { type: 'reservation-cancelled', occurredAt, payload: { reservationId } }));
    const state = fold('g-1', [
      made('R-1', '2026-07-01'),
      made('R-2', '2026-07-05'),
      cancelled('R-2', '2026-06-03T10:00:00Z'),
      cancelled('R-3', '2026-06-03T10:00:00Z'),
      made('R-3', '2026-07-09', '2026-06-02T10:00:00Z'),
      made('R-4', '2026-05-01'),
    ]);
    const v = view(state, brandA);
    expect(v.specialRequests.filter((r) => r.source === 'reservation')).toEqual([
      { source: 'reservation', key: null, reservationId: 'R-1', brandId: 'brand-a', propertyId: 'p-1', arrivalDate: '2026-07-01', value: 'requests for R-1', setAt: '2026-06-01T10:00:00Z' },
    ]);
    expect(state.reservations['R-3']?.status).toBe('cancelled');
  });
});

describe('guest view: published schema', () => {
  it('converts to JSON Schema for the OpenAPI document, with named components', () => {
    const json = z.toJSONSchema(guestViewResponseSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', cycles: 'ref', reused: 'inline' });
    expect(Object.keys((json as { $defs?: object }).$defs ?? {}).sort()).toEqual(['GuestComplaint', 'GuestCue', 'GuestIdentity', 'GuestView', 'Money', 'TimelineEntry']);
  });
});

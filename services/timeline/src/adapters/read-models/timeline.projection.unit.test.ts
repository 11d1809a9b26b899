import type { StoredEvent } from '@hearth/event-store';
import { createMemoryDocumentStore } from '@hearth/read-models';
import type { GuestViewState } from '../../domain/guest-view';
import type { TimelineEntry, TimelineEvent } from '../../domain/timeline.types';
import { indexedInstant, prefetchKeys, projectTimelineEvent } from './timeline.projection';
import { createTimelineReadModel } from './timeline.read-model';
import { arrivals, guestViews, timelineEntries } from './timeline.collections';

const TENANT = 't1';
let position = 0;

function stored(guestId: string, event: TimelineEvent, eventId = `e${position + 1}`): StoredEvent {
  position += 1;
  return {
    eventId,
    type: event.type,
    data: event.data,
    metadata: { tenantId: TENANT, guestId, actor: 'user:u1', correlationId: 'c', causationId: 'r', occurredAt: '2026-01-01T00:00:00Z', schemaVersion: 1 },
    streamName: `timeline-${guestId}`,
    streamVersion: position - 1,
    globalPosition: position * 10,
    recordedAt: `2026-01-01T00:00:${String(position).padStart(2, '0')}Z`,
  };
}

function entry(entryId: string, type: string, occurredAt: string, facts: TimelineEntry['facts'], personal: TimelineEntry['personal'] = null): TimelineEntry {
  return {
    entryId,
    guestId: 'g1',
    kind: 'touchpoint',
    type,
    source: 'touchpoints-api',
    brandId: 'hotels',
    propertyId: 'lisbon-1',
    channel: 'web',
    occurredAt,
    recordedAt: occurredAt,
    actor: 'user:u1',
    visibility: 'shared',
    amount: null,
    facts,
    personal,
  };
}

describe('timeline projection', () => {
  const setup = () => {
    const store = createMemoryDocumentStore();
    const apply = (events: StoredEvent[]) => store.transaction(async (session) => {
      for (const event of events) await projectTimelineEvent(event, session);
    });
    return { store, apply, docs: store.forTenant(TENANT) };
  };

  it('keeps the guest view, one document per entry (occurredAt indexed in UTC) and ignores replays', async () => {
    const { apply, docs, store } = setup();
    const first = stored('g1', { type: 'EntryRecorded', data: { entry: entry('n1', 'note', '2026-05-02T12:00:00+02:00', {}, { text: 'hello' }) } });
    await apply([first]);
    await apply([first]);
    const doc = await docs.get(timelineEntries, 'n1');
    expect(doc).toMatchObject({ guestId: 'g1', occurredAt: '2026-05-02T10:00:00.000Z', scopeKey: 'shared:hotels', type: 'note', position: first.globalPosition });
    const view = JSON.parse((await docs.get(guestViews, 'g1'))!.json) as GuestViewState;
    expect(view.entryCount).toBe(1);
    expect(indexedInstant('not a date')).toBe('not a date');
    const readModel = createTimelineReadModel(store);
    expect((await readModel.entry(TENANT, 'n1'))?.entry.personal).toEqual({ text: 'hello' });
    expect(prefetchKeys([first]).map((k) => [k.collection.name, k.id])).toEqual([['guest_views', 'g1']]);
  });

  it('merges reservations arriving in any order: the later status wins, details come from the booking', async () => {
    const { apply, store } = setup();
    await apply([
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('c1', 'reservation-cancelled', '2026-05-02T10:00:00Z', { reservationId: 'R-1' }) } }),
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('m1', 'reservation-made', '2026-05-01T10:00:00Z', { reservationId: 'R-1', arrivalDate: '2026-12-24', departureDate: '2026-12-26' }) } }),
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('m2', 'reservation-made', '2026-05-01T10:00:00Z', { reservationId: 'R-2', arrivalDate: '2026-12-24', departureDate: '2026-12-25' }) } }),
    ]);
    expect(await store.forTenant(TENANT).get(arrivals, 'R-1')).toMatchObject({ status: 'cancelled', arrivalDate: '2026-12-24', propertyId: 'lisbon-1', entryId: 'm1' });
    const readModel = createTimelineReadModel(store);
    expect((await readModel.arrivals(TENANT, 'lisbon-1', '2026-12-24')).map((a) => a.reservationId)).toEqual(['R-2']);
    // rebooked after the cancellation
    await apply([stored('g1', { type: 'EntryRecorded', data: { entry: entry('m3', 'reservation-made', '2026-05-03T10:00:00Z', { reservationId: 'R-1', arrivalDate: '2026-12-24', departureDate: '2026-12-28' }) } })]);
    expect(await store.forTenant(TENANT).get(arrivals, 'R-1')).toMatchObject({ status: 'booked', departureDate: '2026-12-28', entryId: 'm3' });
  });

  it('rewrites the entries of an erased guest without personal data, and never indexes it again', async () => {
    const { apply, docs } = setup();
    await apply([
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('n1', 'note', '2026-05-01T10:00:00Z', {}, { text: 'private' }) } }),
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('s1', 'stay', '2026-05-01T10:00:00Z', { nights: 2 }) } }),
      stored('g1', { type: 'GuestErasureRecorded', data: { guestId: 'g1', erasedAt: '2026-06-01T00:00:00Z' } }),
      // a late entry decrypted with a key another instance still had cached
      stored('g1', { type: 'EntryRecorded', data: { entry: entry('n2', 'note', '2026-05-02T10:00:00Z', {}, { text: 'late' }) } }),
    ]);
    for (const id of ['n1', 'n2']) expect(JSON.parse((await docs.get(timelineEntries, id))!.json).personal).toBeNull();
    expect(JSON.parse((await docs.get(timelineEntries, 's1'))!.json).facts).toEqual({ nights: 2 });
    const view = JSON.parse((await docs.get(guestViews, 'g1'))!.json) as GuestViewState;
    expect(view.erasedAt).toBe('2026-06-01T00:00:00Z');
    expect(JSON.stringify(view)).not.toMatch(/private|late/);
  });
});
